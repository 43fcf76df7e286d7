import { Body, Controller, Headers, Inject, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { ApiErrorResponse, RouteBodyLimit } from '@newsledger/http';
import { FastifyReply } from 'fastify';

/** How long the ingest API may take to answer before the page is told it did not. */
const INGEST_TIMEOUT_MS = 15_000;

/**
 * `POST /v1/admin/dead-letters/resubmit`: a corrected copy of a refused report, sent on to the
 * ingest API's `POST /v1/reports` with the caller's own key, and its answer returned as it came.
 *
 * Why a route here rather than the page calling the ingest API: the timeline page is served by
 * this API under `connect-src 'self'`; reaching the ingest API's port from the browser would need
 * its origin in that policy and CORS on the ingest API. Forwarding keeps both as they are, and the
 * report still takes the one ingest path (its validation, id check, the key's name as ingestor).
 * The ingest API is found at `NEWSLEDGER_INGEST_URL` (default `http://<HOST>:<INGEST_PORT>`).
 */
/** The ingest API's answer headers the caller needs too: when to retry, and a deprecated version's end and successor. */
const FORWARDED_HEADERS = ['retry-after', 'deprecation', 'sunset', 'link'] as const;

@ApiTags('audit')
@Controller('v1/admin/dead-letters/resubmit')
@RequireScope('ingest')
export class ResubmitDeadLetterController {
  constructor(@Inject(CONFIG) private readonly config: NewsledgerConfig) {}

  @Post()
  @RouteBodyLimit('maxBodyBytes')
  @ApiOperation({
    summary: 'Resubmit a corrected copy of a dead letter',
    description:
      'Sends the report in the body to the ingest API (`POST /v1/reports`) with the same `Authorization`, and answers with its status and body: 202 recorded, 200 a duplicate, 400/409 what is still wrong. For the timeline page, which may only call its own origin.',
  })
  @ApiBody({ description: 'A report, as `POST /v1/reports` takes it', schema: { type: 'object' } })
  @ApiResponse({ status: 202, description: "The ingest API's answer: appended to the log" })
  @ApiErrorResponse(400, 'The ingest API refused the report (`invalid_report`, details per field)')
  @ApiErrorResponse(502, 'The ingest API did not answer (`ingest_unavailable`)')
  async resubmit(@Body() body: unknown, @Headers('authorization') authorization: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const url = `${this.config.client.ingestUrl}/v1/reports`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(INGEST_TIMEOUT_MS),
      });
    } catch (e) {
      reply.status(502);
      return { error: 'ingest_unavailable', message: `the ingest API at ${this.config.client.ingestUrl} did not answer (${(e as Error).message}); start it, or set NEWSLEDGER_INGEST_URL for the query API, then send again` };
    }
    const answer = await res.json().catch(() => null);
    reply.status(res.status);
    for (const name of FORWARDED_HEADERS) {
      const value = res.headers.get(name);
      if (value) reply.header(name, value);
    }
    return answer ?? { error: 'ingest_unavailable', message: `the ingest API answered ${res.status} without a JSON body; send again` };
  }
}
