import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AuditError } from '@newsledger/audit';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireScope } from '@newsledger/auth';
import { apiSchema, ApiErrorResponse } from '@newsledger/http';
import { z } from 'zod';
import { couldBeStoredId } from '../query-params';
import { RebuildViewsRunner } from './rebuild-views.runner';

const rebuildRequest = z.strictObject({ abortOnDifference: z.boolean().optional() }).optional();

/**
 * `POST /v1/admin/rebuild` starts a rebuild of every view from the start of the log (202, with
 * the rebuild's status); `GET /v1/admin/rebuild/:id` follows it; `GET /v1/admin/rebuild` lists
 * the recent ones.
 */
const STATUS = { type: 'object', description: 'id, status (running|done|failed), phase, progress {applied, target, percent}, startedAt, updatedAt, finishedAt, report, error' };

@ApiTags('audit')
@Controller('v1/admin/rebuild')
@RequireScope('audit')
export class RebuildViewsController {
  constructor(private readonly runner: RebuildViewsRunner) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild every view from the start of the log, without downtime' })
  @ApiBody({ required: false, schema: apiSchema('RebuildRequest', rebuildRequest.unwrap()) })
  @ApiResponse({ status: 202, description: 'Started; follow `progressUrl`', schema: STATUS })
  @ApiErrorResponse(400, 'A bad body (`invalid_audit_request`)')
  @ApiErrorResponse(409, 'A rebuild is already running (`rebuild_running`)')
  async start(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const parsed = rebuildRequest.safeParse(body ?? undefined);
    if (!parsed.success) {
      throw new AuditError('invalid_audit_request', 'send no body, or {"abortOnDifference": true} to refuse a switch that would change any view', {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const status = await this.runner.start(principal.name, parsed.data?.abortOnDifference ?? false);
    return { ...status, progressUrl: `/v1/admin/rebuild/${status.id}` };
  }

  @Get()
  @ApiOperation({ summary: 'The recent rebuilds' })
  @ApiOkResponse({ description: 'Newest first', schema: { type: 'object', properties: { rebuilds: { type: 'array', items: STATUS } } } })
  async recent() {
    return { rebuilds: await this.runner.recent() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A rebuild\'s progress and final report' })
  @ApiOkResponse({ description: 'The rebuild', schema: STATUS })
  @ApiErrorResponse(404, 'No such rebuild (`rebuild_not_found`)')
  async status(@Param('id') id: string) {
    const status = couldBeStoredId(id) ? await this.runner.status(id) : undefined;
    if (!status) throw new AuditError('rebuild_not_found', `no rebuild "${id}"; list them at /v1/admin/rebuild`, { rebuildId: id });
    return status;
  }
}
