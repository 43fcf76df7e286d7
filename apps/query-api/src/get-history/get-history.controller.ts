import { Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { subjectFromParam } from '../query-params';
import { SubjectRoute, ViewsController } from '../subject-route.decorator';
import { GetHistoryQuery } from './get-history.query';
import { HISTORY_RESPONSE_REF } from './get-history.response.dto';

const HISTORY = ApiOkResponse({ description: 'The history', schema: HISTORY_RESPONSE_REF });

/** Every event of a subject of either kind, from the QueryBus. */
@ViewsController()
export class GetHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get('exchanges/:id/history')
  @ApiOperation({ summary: 'Every event of an exchange in log order, retracted ones marked' })
  @SubjectRoute()
  @HISTORY
  exchangeHistory(@Param('id') id: string) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('exchange', id)));
  }

  @Get('negotiations/:id/history')
  @ApiOperation({ summary: 'Every event of a negotiation in log order, retracted ones marked' })
  @SubjectRoute()
  @HISTORY
  negotiationHistory(@Param('id') id: string) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('negotiation', id)));
  }
}
