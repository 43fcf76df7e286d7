import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { RequireScope } from '@newsledger/auth';
import { FastifyReply } from 'fastify';
import { QueryError } from '../query-api.error';
import { parseFeedFilter } from './feed-filter';
import { parseFeedCursor } from './sse.format';
import { StatusChangesFeed } from './status-changes.feed';

/** `GET /v1/feed/status-changes`: the status-change feed as Server-Sent Events. */
@Controller('v1/feed')
@RequireScope('read')
export class FollowStatusChangesController {
  constructor(private readonly feed: StatusChangesFeed) {}

  @Get('status-changes')
  async follow(
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const parsed = parseFeedFilter(query);
    if (!parsed.ok) throw new QueryError('invalid_query', 'filter the feed with subject, kind and field (comma-separated or repeated)', parsed.issues);
    const given = lastEventId ?? query.lastEventId;
    const cursor = parseFeedCursor(given);
    if (cursor === null) {
      throw new QueryError('invalid_query', 'Last-Event-ID must be the id of an event this feed sent (a whole number); 0 replays from the start', [
        { path: lastEventId !== undefined ? 'Last-Event-ID' : 'lastEventId', message: `got "${String(given)}"` },
      ]);
    }
    await this.feed.open(reply, parsed.filter, cursor);
  }
}
