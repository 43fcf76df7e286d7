import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@newsledger/auth';
import { ApiErrorResponse } from '@newsledger/http';
import { FastifyReply } from 'fastify';
import { QueryError } from '../query-api.error';
import { parseFeedFilter } from './feed-filter';
import { parseFeedCursor } from './sse.format';
import { StatusChangesFeed } from './status-changes.feed';

/** `GET /v1/feed/status-changes`: the status-change feed as Server-Sent Events. */
@ApiTags('feeds')
@Controller('v1/feed')
@RequireScope('read')
export class FollowStatusChangesController {
  constructor(private readonly feed: StatusChangesFeed) {}

  @Get('status-changes')
  @ApiOperation({
    summary: 'Follow status changes (Server-Sent Events)',
    description:
      'Each message is `id: <position>` and `data: {"id","subject","field","from","to","causedBy","recordedAt","retractionOf"?,"cause","level","reason"}` (the same change as on the status-changes topic, see docs/asyncapi.yaml: `field` `corroboration` adds `stage`, `dispute` adds `fact` and lists values); `: keep-alive` comments in between. Reconnect with `Last-Event-ID` to get exactly what was missed; `0` replays everything.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this position' })
  @ApiQuery({ name: 'lastEventId', required: false, description: 'As Last-Event-ID, for clients that cannot set headers' })
  @ApiQuery({ name: 'subject', required: false, description: 'Comma-separated or repeated' })
  @ApiQuery({ name: 'kind', required: false, description: '`exchange`, `negotiation`; comma-separated or repeated' })
  @ApiQuery({ name: 'field', required: false, description: '`status`, `reportedStatus`, `corroboration`, `dispute`; comma-separated or repeated' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'The stream', schema: { type: 'string' } })
  @ApiErrorResponse(400, 'A bad filter or Last-Event-ID (`invalid_query`)')
  async follow(
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const parsed = parseFeedFilter(query);
    if (!parsed.ok) throw new QueryError('invalid_query', 'filter the feed with subject, kind and field (comma-separated or repeated)', parsed.issues);
    const given = lastEventId ?? query.lastEventId;
    const where = lastEventId !== undefined ? 'Last-Event-ID' : 'lastEventId';
    const cursor = parseFeedCursor(given);
    if (cursor === null) {
      throw new QueryError('invalid_query', 'Last-Event-ID must be the id of an event this feed sent (a whole number); 0 replays from the start', [
        { path: where, message: `got "${String(given)}"` },
      ]);
    }
    if (cursor !== undefined) {
      // Another query API may have sent it before this one's tail got there: PostgreSQL decides.
      const latest = await this.feed.latest(cursor);
      if (cursor > latest) {
        throw new QueryError('invalid_query', `Last-Event-ID ${cursor} is ahead of this feed, whose latest change is ${latest}: it comes from another feed or an earlier database; reconnect without it for changes from now, or with 0 to replay everything`, [
          { path: where, message: `at most ${latest}` },
        ]);
      }
    }
    await this.feed.open(reply, parsed.filter, cursor);
  }
}
