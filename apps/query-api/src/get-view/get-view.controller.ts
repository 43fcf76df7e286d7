import { Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { subjectFromParam } from '../query-params';
import { pointInTime, SubjectRouteAt, ViewsController } from '../subject-route.decorator';
import { GetViewQuery } from './get-view.query';
import { EXCHANGE_VIEW_REF, NEGOTIATION_VIEW_REF } from './get-view.response.dto';

const VIEW_DESCRIPTION =
  'The view now, or with `asOf` and/or `validAt` as it stood then; replayed from the latest usable snapshot, which headers `X-Replay-From-Snapshot` and `X-Replay-Events-Read` name.';

/** The view of one subject of either kind, from the QueryBus. */
@ViewsController()
export class GetViewController {
  constructor(private readonly queries: QueryBus) {}

  @Get('exchanges/:id')
  @ApiOperation({ summary: 'An exchange', description: VIEW_DESCRIPTION })
  @SubjectRouteAt()
  @ApiOkResponse({ description: 'The view', schema: EXCHANGE_VIEW_REF })
  exchange(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('asOf') asOf?: unknown, @Query('validAt') validAt?: unknown) {
    return this.view(reply, new GetViewQuery('exchange', subjectFromParam('exchange', id), pointInTime(asOf, validAt, reply)));
  }

  @Get('negotiations/:id')
  @ApiOperation({ summary: 'A negotiation', description: VIEW_DESCRIPTION })
  @SubjectRouteAt()
  @ApiOkResponse({ description: 'The view', schema: NEGOTIATION_VIEW_REF })
  negotiation(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('asOf') asOf?: unknown, @Query('validAt') validAt?: unknown) {
    return this.view(reply, new GetViewQuery('negotiation', subjectFromParam('negotiation', id), pointInTime(asOf, validAt, reply)));
  }

  /** The answer says where its replay started in headers, so the body stays exactly the view. */
  private async view(reply: FastifyReply, query: GetViewQuery) {
    const { view, replay } = await this.queries.execute(query);
    if (replay) {
      reply.header('x-replay-from-snapshot', replay.fromSnapshot === null ? 'none' : String(replay.fromSnapshot));
      reply.header('x-replay-events-read', String(replay.eventsRead));
    }
    return view;
  }
}
