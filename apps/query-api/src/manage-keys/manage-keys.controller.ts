import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyService, KEY_NAME_SCHEMA, RequireScope, Scope, SCOPES } from '@newsledger/auth';
import { SUBJECT_KINDS } from '@newsledger/domain';
import { apiSchema, ApiErrorResponse } from '@newsledger/http';
import { z } from 'zod';
import { QueryError } from '../query-api.error';
import { couldBeStoredId } from '../query-params';

const createKeyRequest = z.strictObject({
  name: KEY_NAME_SCHEMA,
  scopes: z.array(z.enum(SCOPES)).min(1),
  /** The only subject kinds the key may write reports about; absent: every kind. */
  subjectKinds: z.array(z.enum(SUBJECT_KINDS)).min(1).optional(),
});

const KEY = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] } },
    subjectKinds: { type: 'array', items: { type: 'string', enum: [...SUBJECT_KINDS] }, description: 'The only subject kinds it may write; absent (null in the list): every kind' },
  },
};

/** Admin: API keys (the key itself is shown once, on creation). */
@ApiTags('admin')
@Controller('v1/admin/keys')
@RequireScope('admin')
export class ManageKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key', description: 'The key is in the answer only: store it; only its hash is kept. Its `name` becomes the `ingestor` of the reports it sends.' })
  @ApiBody({ schema: apiSchema('CreateKeyRequest', createKeyRequest) })
  @ApiResponse({ status: 201, description: 'The key, shown once', schema: { ...KEY, properties: { ...KEY.properties, key: { type: 'string', description: 'Send as `Authorization: Bearer <key>`' } } } })
  @ApiErrorResponse(400, 'A bad name or scope (`invalid_query`)')
  async create(@Body() body: unknown) {
    const parsed = createKeyRequest.safeParse(body);
    if (!parsed.success) {
      throw new QueryError('invalid_query', `send {"name": "...", "scopes": [${SCOPES.map((s) => `"${s}"`).join('|')}, ...], "subjectKinds"?: [${SUBJECT_KINDS.map((k) => `"${k}"`).join('|')}, ...]}`,
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    return this.keys.create(parsed.data.name, parsed.data.scopes as Scope[], parsed.data.subjectKinds);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never the keys themselves)' })
  @ApiOkResponse({
    description: 'Every key, revoked ones included',
    schema: { type: 'object', properties: { keys: { type: 'array', items: { ...KEY, properties: { ...KEY.properties, createdAt: { type: 'string' }, revokedAt: { anyOf: [{ type: 'string' }, { type: 'null' }] } } } } } },
  })
  async list() {
    return { keys: await this.keys.list() };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key, at once' })
  @ApiOkResponse({ description: 'Revoked', schema: { type: 'object', properties: { id: { type: 'string' }, revoked: { type: 'boolean', enum: [true] } } } })
  @ApiErrorResponse(404, 'No active key with this id (`not_found`)')
  async revoke(@Param('id') id: string) {
    if (!couldBeStoredId(id) || !(await this.keys.revoke(id))) throw new QueryError('not_found', `no active key "${id}"`);
    return { id, revoked: true };
  }
}
