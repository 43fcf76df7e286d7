import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiKeyService, RequireScope, Scope, SCOPES } from '@newsledger/auth';
import { z } from 'zod';
import { QueryError } from '../query-api.error';

const createKeyRequest = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" or "-", such as "reuters-desk"'),
  scopes: z.array(z.enum(SCOPES)).min(1),
});

/** Admin: API keys (the key itself is shown once, on creation). */
@Controller('v1/admin/keys')
@RequireScope('admin')
export class ManageKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown) {
    const parsed = createKeyRequest.safeParse(body);
    if (!parsed.success) {
      throw new QueryError('invalid_query', 'send {"name": "...", "scopes": ["ingest"|"read"|"audit"|"admin", ...]}',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    return this.keys.create(parsed.data.name, parsed.data.scopes as Scope[]);
  }

  @Get()
  async list() {
    return { keys: await this.keys.list() };
  }

  @Delete(':id')
  async revoke(@Param('id') id: string) {
    if (!(await this.keys.revoke(id))) throw new QueryError('not_found', `no active key "${id}"`);
    return { id, revoked: true };
  }
}
