import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyService, KafkaDeskError, KafkaDesks, KEY_NAME_SCHEMA, RequireScope, Scope, SCOPES } from '@newsledger/auth';
import { SUBJECT_KINDS } from '@newsledger/domain';
import { apiSchema, ApiErrorResponse } from '@newsledger/http';
import { z } from 'zod';
import { QueryError } from '../query-api.error';
import { couldBeStoredId } from '../query-params';
import { KAFKA_DESKS } from './kafka-desks.provider';

const createKeyRequest = z.strictObject({
  name: KEY_NAME_SCHEMA,
  scopes: z.array(z.enum(SCOPES)).min(1),
  /** The only subject kinds the key may write reports about; absent: every kind. */
  subjectKinds: z.array(z.enum(SUBJECT_KINDS)).min(1).optional(),
  /** Also a Kafka user of its own, which may publish to the key's inbound topic only. */
  kafka: z.boolean().optional(),
});

const KAFKA_LOGIN = {
  type: 'object',
  description: 'Present for a key made with `"kafka": true`: its Kafka login (the password shown once, stored nowhere) and topics',
  properties: {
    mechanism: { type: 'string', enum: ['scram-sha-512'] },
    username: { type: 'string', example: 'desk.reuters-desk' },
    password: { type: 'string' },
    brokers: { type: 'array', items: { type: 'string' } },
    topic: { type: 'string', description: 'Where the desk publishes its reports (its inbound topic)', example: 'newsledger.inbound.reuters-desk' },
    rejectionsTopic: { type: 'string', description: 'Where it reads the reports refused, with why', example: 'newsledger.inbound.rejections.reuters-desk' },
    groupPrefix: { type: 'string', description: 'Its consumer groups must start with this to read the rejections', example: 'desk.reuters-desk.' },
  },
};

const KEY = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] } },
    subjectKinds: { type: 'array', items: { type: 'string', enum: [...SUBJECT_KINDS] }, description: 'The only subject kinds it may write; absent (null in the list): every kind' },
  },
};

/** Without a Kafka admin login the query API cannot make or remove Kafka users; the CLI can. */
const NO_KAFKA_ADMIN =
  'this query API has no Kafka admin login (KAFKA_ADMIN_USERNAME, KAFKA_ADMIN_PASSWORD), so it cannot make Kafka users; ' +
  'make the key with the CLI logged in as the Kafka admin: npx newsledger keys create --name <desk> --scopes ingest --kafka';

/** Admin: API keys (the key itself is shown once, on creation). */
@ApiTags('admin')
@Controller('v1/admin/keys')
@RequireScope('admin')
export class ManageKeysController {
  constructor(private readonly keys: ApiKeyService, @Inject(KAFKA_DESKS) private readonly desks: KafkaDesks | null) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an API key',
    description:
      'The key is in the answer only: store it; only its hash is kept. Its `name` becomes the `ingestor` of the reports it sends. ' +
      'With `"kafka": true` (an `ingest` key) it also gets a Kafka user of its own, which may publish to its inbound topic `newsledger.inbound.<name>` only, ' +
      'and read what was refused on `newsledger.inbound.rejections.<name>`; the ingest API admits those reports as it admits HTTP ones (see docs/asyncapi.yaml). ' +
      'Needs a query API given the Kafka admin login (`KAFKA_ADMIN_USERNAME`); otherwise use `npx newsledger keys create --kafka`.',
  })
  @ApiBody({ schema: apiSchema('CreateKeyRequest', createKeyRequest) })
  @ApiResponse({
    status: 201,
    description: 'The key, shown once',
    schema: { ...KEY, properties: { ...KEY.properties, key: { type: 'string', description: 'Send as `Authorization: Bearer <key>`' }, kafka: KAFKA_LOGIN } },
  })
  @ApiErrorResponse(400, 'A bad name or scope (`invalid_query`), or a key on Kafka without the `ingest` scope or named `rejections…` (`kafka_desk_refused`)')
  @ApiErrorResponse(409, 'Another active key of that name is on Kafka (`kafka_desk_exists`)')
  @ApiErrorResponse(503, 'The broker did not make the Kafka user, or this query API has no Kafka admin login (`kafka_unavailable`); no key was made')
  async create(@Body() body: unknown) {
    const parsed = createKeyRequest.safeParse(body);
    if (!parsed.success) {
      throw new QueryError('invalid_query', `send {"name": "...", "scopes": [${SCOPES.map((s) => `"${s}"`).join('|')}, ...], "subjectKinds"?: [${SUBJECT_KINDS.map((k) => `"${k}"`).join('|')}, ...]}`,
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const { name, scopes, subjectKinds, kafka } = parsed.data;
    if (kafka && !this.desks) throw new KafkaDeskError('kafka_unavailable', NO_KAFKA_ADMIN);
    return this.keys.create(name, scopes as Scope[], subjectKinds, kafka ? (this.desks ?? undefined) : undefined);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never the keys themselves)' })
  @ApiOkResponse({
    description: 'Every key, revoked ones included',
    schema: { type: 'object', properties: { keys: { type: 'array', items: { ...KEY, properties: { ...KEY.properties, createdAt: { type: 'string' }, revokedAt: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      kafkaUser: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'Its Kafka user, for a key on Kafka (kept on a revoked key until its Kafka login is removed)' } } } } } },
  })
  async list() {
    return { keys: await this.keys.list() };
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Revoke an API key, at once',
    description: 'A key on Kafka also loses its Kafka login (new connections are refused) and ACLs; the ingest API refuses what it publishes from now on. Revoking it again retries a Kafka user left behind.',
  })
  @ApiOkResponse({
    description: 'Revoked',
    schema: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        revoked: { type: 'boolean', enum: [true] },
        kafkaUser: { type: 'string', description: 'The Kafka user removed with it' },
        kafkaUserLeft: { type: 'string', description: 'Its Kafka user, still there for lack of a Kafka admin login: revoke it with the CLI as the Kafka admin' },
      },
    },
  })
  @ApiErrorResponse(404, 'No active key with this id (`not_found`)')
  @ApiErrorResponse(503, 'The key is revoked, but the broker did not remove its Kafka user (`kafka_unavailable`): revoke it again')
  async revoke(@Param('id') id: string) {
    const revoked = couldBeStoredId(id) ? await this.keys.revoke(id, this.desks ?? undefined) : undefined;
    if (!revoked) throw new QueryError('not_found', `no active key "${id}"`);
    return revoked;
  }
}
