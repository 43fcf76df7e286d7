import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { RequireScope } from '@newsledger/auth';
import { PointInTime, SubjectKind } from '@newsledger/domain';
import { FastifyReply } from 'fastify';
import { GetHistoryQuery } from './get-history/get-history.query';
import { GetViewQuery } from './get-view/get-view.query';
import { ListViewsQuery } from './list-views/list-views.query';
import { QueryError } from './query-api.error';
import { instantParam, subjectFromParam, validAtParam } from './query-params';

type ListParams = { status?: string; reportedStatus?: string; party?: string; updatedSince?: string; limit?: string; cursor?: string };

function limitParam(value: string | undefined): number {
  if (value === undefined) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) {
    throw new QueryError('invalid_query', 'limit must be a whole number from 1 to 500', [{ path: 'limit', message: `got "${value}"` }]);
  }
  return n;
}

function pointInTime(asOf: string | undefined, validAt: string | undefined): PointInTime {
  const at: PointInTime = {};
  const instant = instantParam('asOf', asOf);
  const date = validAtParam(validAt);
  if (instant !== undefined) at.asOf = instant;
  if (date !== undefined) at.validAt = date;
  return at;
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
  exchange(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('asOf') asOf?: string, @Query('validAt') validAt?: string) {
    return this.view(reply, new GetViewQuery('exchange', subjectFromParam('exchange', id), pointInTime(asOf, validAt)));
  }

  @Get('negotiations/:id')
  negotiation(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('asOf') asOf?: string, @Query('validAt') validAt?: string) {
    return this.view(reply, new GetViewQuery('negotiation', subjectFromParam('negotiation', id), pointInTime(asOf, validAt)));
  }

  /** A time-travel answer says where its replay started in headers, so the body stays exactly the view. */
  private async view(reply: FastifyReply, query: GetViewQuery) {
    const { view, replay } = await this.queries.execute(query);
    if (replay) {
      reply.header('x-replay-from-snapshot', replay.fromSnapshot === null ? 'none' : String(replay.fromSnapshot));
      reply.header('x-replay-events-read', String(replay.eventsRead));
    }
    return view;
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
