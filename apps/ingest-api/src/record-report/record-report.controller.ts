import { Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthError, RequireScope, RevocationCheckedAtWrite } from '@newsledger/auth';
import { deprecatedVersionOf } from '@newsledger/domain';
import { ApiErrorResponse, RouteBodyLimit, ServedByFastify } from '@newsledger/http';
import { FastifyReply, FastifyRequest } from 'fastify';
import { RecordReportCommand, RecordReportResult } from './record-report.command';
import { REPORT_REF } from './record-report.request.dto';
import { RECORD_REPORT_RESPONSE_REF } from './record-report.response.dto';

@ApiTags('reports')
@Controller('v1/reports')
export class RecordReportController {
  constructor(private readonly commands: CommandBus) {}

  /** 202 when appended; 200 with `duplicate: true` when the id was already recorded. */
  @Post()
  @HttpCode(202)
  @RequireScope('ingest')
  // The key's row is read by the claim's statement, not by a query of its own before the body.
  @RevocationCheckedAtWrite()
  // The server-wide limit is the batch one; a single report has its own, smaller one, so a larger
  // body is refused before it is read whole and the 413 states this route's limit.
  @RouteBodyLimit('maxBodyBytes')
  // The hot path: served by Fastify itself, the key and scope checked by the request gate.
  @ServedByFastify()
  @ApiOperation({
    summary: 'Record one report',
    description: 'Answers once Kafka has acknowledged the append. The key\'s name becomes the event\'s `ingestor`; the server adds `recordedAt`.',
  })
  @ApiBody({ schema: REPORT_REF })
  @ApiResponse({
    status: 202,
    description:
      'Appended to the log. A report in a deprecated version of its type (see /v1/schemas `versions`) is recorded as sent, and the answer carries `Deprecation`, `Sunset` (the last day it is accepted) and a `Link` to the version to send instead',
    schema: RECORD_REPORT_RESPONSE_REF,
  })
  @ApiResponse({
    status: 200,
    description:
      'The same id with the same content was already recorded: nothing appended (`duplicate: true`). A resend made while the first send is being recorded waits for it; ' +
      'sent to another ingest API process, it waits until the projector has indexed the first (or, while no projector runs, about 2 s)',
    schema: RECORD_REPORT_RESPONSE_REF,
  })
  @ApiErrorResponse(400, 'Not a valid report (`invalid_report`, details per field), a retraction of an unknown event (`unknown_event`), or not JSON (`invalid_json`)')
  @ApiErrorResponse(403, 'The key lacks the `ingest` scope (`forbidden`), or is limited to other subject kinds (`forbidden_subject_kind`)')
  @ApiErrorResponse(409, 'The id was used for a different report (`id_conflict`)')
  @ApiErrorResponse(413, 'Larger than MAX_BODY_BYTES (`payload_too_large`)')
  @ApiErrorResponse(503, 'Kafka did not acknowledge the append (`log_unavailable`); retry with the same id, it is recorded once')
  async record(request: FastifyRequest, reply: FastifyReply): Promise<RecordReportResult> {
    const { body, principal } = request;
    // The request gate sets it for every route that needs a key: a missing one is a bug, answered 401.
    if (!principal) throw new AuthError('missing_key', 'send an API key as "Authorization: Bearer <key>"');
    const result = await this.commands.execute(new RecordReportCommand(body, principal));
    reply.code(result.duplicate ? 200 : 202);
    const deprecated = deprecatedVersionOf(body);
    if (deprecated) {
      // RFC 9745 and RFC 8594: recorded as sent, in a version HTTP takes only until the sunset.
      reply.header('deprecation', `@${Date.parse(`${deprecated.deprecatedSince}T00:00:00Z`) / 1000}`);
      reply.header('sunset', new Date(`${deprecated.acceptedUntil}T23:59:59Z`).toUTCString());
      reply.header('link', `</v1/schemas/${deprecated.type}/versions/${deprecated.version + 1}>; rel="successor-version"`);
    }
    return result;
  }
}
