import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@newsledger/auth';
import { subjectFromParam } from '../query-params';
import { BAD_QUERY, ID_PARAM, NOT_FOUND } from '../subject-route.decorator';
import { GetHistoryQuery } from './get-history.query';
import { HISTORY_RESPONSE_REF } from './get-history.response.dto';

const HISTORY = ApiOkResponse({ description: 'The history', schema: HISTORY_RESPONSE_REF });

/** Every event of a subject of either kind, from the QueryBus. */
@ApiTags('views')
@Controller('v1')
@RequireScope('read')
export class GetHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get('exchanges/:id/history')
  @ApiOperation({ summary: 'Every event of an exchange in log order, retracted ones marked' })
  @ID_PARAM
  @HISTORY
  @BAD_QUERY
  @NOT_FOUND
  exchangeHistory(@Param('id') id: string) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('exchange', id)));
  }

  @Get('negotiations/:id/history')
  @ApiOperation({ summary: 'Every event of a negotiation in log order, retracted ones marked' })
  @ID_PARAM
  @HISTORY
  @BAD_QUERY
  @NOT_FOUND
  negotiationHistory(@Param('id') id: string) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('negotiation', id)));
  }
}
