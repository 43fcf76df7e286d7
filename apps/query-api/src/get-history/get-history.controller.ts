import { Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { subjectFromParam } from '../query-params';
import { SubjectRoute, ViewsController } from '../subject-route.decorator';
import { GetHistoryQuery } from './get-history.query';
import { HISTORY_MAX_LIMIT, parseGetHistoryRequest } from './get-history.request.dto';
import { HISTORY_RESPONSE_REF } from './get-history.response.dto';

const HISTORY = ApiOkResponse({ description: 'The history', schema: HISTORY_RESPONSE_REF });
const DESCRIPTION = 'Each with `recordedAt`, its position on the log and `retracted`/`retractedBy`. With `limit`, one page at a time: follow `nextCursor` until it is null.';
const LIMIT = ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: HISTORY_MAX_LIMIT }, description: 'Page size; without it, every event in one answer' });
const CURSOR = ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page' });

/** Every event of a subject of either kind, from the QueryBus. */
@ViewsController()
export class GetHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get('exchanges/:id/history')
  @ApiOperation({ summary: 'Every event of an exchange in log order, retracted ones marked', description: DESCRIPTION })
  @SubjectRoute()
  @LIMIT
  @CURSOR
  @HISTORY
  exchangeHistory(@Param('id') id: string, @Query('limit') limit?: unknown, @Query('cursor') cursor?: unknown) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('exchange', id), parseGetHistoryRequest(limit, cursor)));
  }

  @Get('negotiations/:id/history')
  @ApiOperation({ summary: 'Every event of a negotiation in log order, retracted ones marked', description: DESCRIPTION })
  @SubjectRoute()
  @LIMIT
  @CURSOR
  @HISTORY
  negotiationHistory(@Param('id') id: string, @Query('limit') limit?: unknown, @Query('cursor') cursor?: unknown) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('negotiation', id), parseGetHistoryRequest(limit, cursor)));
  }
}
