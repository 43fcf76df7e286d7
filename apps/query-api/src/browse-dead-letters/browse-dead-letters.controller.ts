import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { DeadLetterReadError, KAFKA, KafkaClient, readDeadLetters } from '@newsledger/event-log';
import { apiSchema, ApiErrorResponse, ErrorBody } from '@newsledger/http';
import { FastifyReply } from 'fastify';
import { browseDeadLettersRequestOf, DEAD_LETTERS_DEFAULT_LIMIT, DEAD_LETTERS_MAX_LIMIT } from './browse-dead-letters.request.dto';
import { DEAD_LETTERS_PAGE_SCHEMA, DeadLettersPage } from './browse-dead-letters.response.dto';

/**
 * `GET /v1/admin/dead-letters`: the dead-letter topic, newest first, a page at a time. Scope
 * `audit`: a dead letter carries the refused report's content, as the export carries the
 * recorded ones, and looking at it changes nothing, so it needs no admin key.
 */
@ApiTags('audit')
@Controller('v1/admin/dead-letters')
@RequireScope('audit')
export class BrowseDeadLettersController {
  constructor(
    @Inject(KAFKA) private readonly kafka: KafkaClient,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Browse the dead-letter topic',
    description:
      'Messages of the events topic the projector refused, newest first (by offset on the one-partition dead-letter topic): why, where the original sat, its first bytes and when it arrived. Fix a report and send it again through `POST /v1/reports`.',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: DEAD_LETTERS_MAX_LIMIT, default: DEAD_LETTERS_DEFAULT_LIMIT } })
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the page before: letters older than it', schema: { type: 'string', pattern: '^\\d+$' } })
  @ApiOkResponse({ description: 'A page of dead letters', schema: apiSchema('DeadLettersPage', DEAD_LETTERS_PAGE_SCHEMA) })
  @ApiErrorResponse(400, 'A bad or unknown parameter (`invalid_query`)')
  @ApiErrorResponse(503, 'Kafka did not answer in time (`log_unavailable`); retry after the seconds in `Retry-After`')
  async browse(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply): Promise<DeadLettersPage | ErrorBody> {
    const { limit, cursor } = browseDeadLettersRequestOf(query);
    try {
      const page = await readDeadLetters(this.kafka, this.config.kafka.topics.dlq, { limit, before: cursor });
      return { letters: page.letters, nextCursor: page.nextBefore, total: page.total };
    } catch (e) {
      if (!(e instanceof DeadLetterReadError)) throw e;
      reply.status(503).header('retry-after', '5');
      return { error: e.code, message: `${e.message}; retry shortly` };
    }
  }
}
