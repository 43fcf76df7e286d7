import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { RequireScope } from '@newsledger/auth';
import { SubjectKind } from '@newsledger/domain';
import { GetHistoryQuery } from './get-history/get-history.query';
import { GetViewQuery } from './get-view/get-view.query';
import { ListViewsQuery } from './list-views/list-views.query';
import { QueryError } from './query-api.error';
import { instantParam, subjectFromParam } from './query-params';

type ListParams = { status?: string; reportedStatus?: string; party?: string; updatedSince?: string; limit?: string; cursor?: string };

function limitParam(value: string | undefined): number {
  if (value === undefined) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) {
    throw new QueryError('invalid_query', 'limit must be a whole number from 1 to 500', [{ path: 'limit', message: `got "${value}"` }]);
  }
  return n;
}

/** Read routes of both subject kinds; each delegates to the QueryBus. */
@Controller('v1')
@RequireScope('read')
export class SubjectsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('exchanges')
  listExchanges(@Query() q: ListParams) {
    return this.list('exchange', q);
  }

  @Get('negotiations')
  listNegotiations(@Query() q: ListParams) {
    return this.list('negotiation', q);
  }

  @Get('exchanges/:id')
  exchange(@Param('id') id: string, @Query('asOf') asOf?: string) {
    return this.queries.execute(new GetViewQuery('exchange', subjectFromParam('exchange', id), instantParam('asOf', asOf)));
  }

  @Get('negotiations/:id')
  negotiation(@Param('id') id: string, @Query('asOf') asOf?: string) {
    return this.queries.execute(new GetViewQuery('negotiation', subjectFromParam('negotiation', id), instantParam('asOf', asOf)));
  }

  @Get('exchanges/:id/history')
  exchangeHistory(@Param('id') id: string) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('exchange', id)));
  }

  @Get('negotiations/:id/history')
  negotiationHistory(@Param('id') id: string) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('negotiation', id)));
  }

  private list(kind: SubjectKind, q: ListParams) {
    return this.queries.execute(
      new ListViewsQuery(
        kind,
        { status: q.status, reportedStatus: q.reportedStatus, party: q.party, updatedSince: instantParam('updatedSince', q.updatedSince) },
        limitParam(q.limit),
        q.cursor,
      ),
    );
  }
}
