import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireScope } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { apiSchema, ApiErrorResponse } from '@newsledger/http';
import { checkWebhookTarget } from '@newsledger/webhooks';
import { QueryError } from '../query-api.error';
import { couldBeStoredId } from '../query-params';
import { CREATE_SUBSCRIPTION_REQUEST, parseCreateSubscription } from './subscription.request.dto';
import { SubscriptionsRepository } from './subscriptions.repository';

function limitParam(value: string | undefined): number {
  if (value === undefined) return 100;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) {
    throw new QueryError('invalid_query', 'limit must be a whole number from 1 to 500', [{ path: 'limit', message: `got "${value}"` }]);
  }
  return n;
}

/**
 * Webhook subscriptions to the status-change feed. A `read` key manages its own; `admin` sees and
 * deletes every one. Someone else's subscription answers 404, as if it did not exist.
 */
const SUBSCRIPTION = { type: 'object', description: 'id, url, filter, createdAt, disabledAt and disabledReason (set when deliveries failed for the retry period)' };
const NOT_YOURS = ApiErrorResponse(404, 'No such subscription, or not yours (`not_found`)');

@ApiTags('feeds')
@Controller('v1/subscriptions')
@RequireScope('read')
export class SubscriptionsController {
  private readonly topic: string;

  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
  ) {
    this.topic = config.kafka.topics.statusChanges;
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Subscribe a webhook to the status-change feed',
    description: 'Changes recorded from now on are POSTed one per request, per subject in order, signed (`Newsledger-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">`) and retried with backoff.',
  })
  @ApiBody({ schema: apiSchema('CreateSubscriptionRequest', CREATE_SUBSCRIPTION_REQUEST) })
  @ApiResponse({ status: 201, description: 'The subscription', schema: SUBSCRIPTION })
  @ApiErrorResponse(400, 'A bad body (`invalid_subscription`) or a refused target (`target_not_allowed`)')
  async create(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const parsed = parseCreateSubscription(body);
    if (!parsed.ok) {
      throw new QueryError('invalid_subscription', 'send {"url": "https://…", "secret": "<16+ characters>", "filter"?: {"subject"?, "kind"?, "field"?}}', parsed.issues);
    }
    const target = await checkWebhookTarget(parsed.request.url, this.config.webhooks.allowPrivateTargets);
    if (!target.ok) throw new QueryError(target.code, target.reason, [{ path: 'url', message: target.reason }]);
    return this.subscriptions.create(this.topic, who.keyId, { ...parsed.request, url: target.url.toString() });
  }

  @Get()
  @ApiOperation({ summary: 'List subscriptions: your own, or every one with admin' })
  @ApiOkResponse({ description: 'The subscriptions', schema: { type: 'object', properties: { subscriptions: { type: 'array', items: SUBSCRIPTION } } } })
  async list(@CurrentPrincipal() who: Principal) {
    return { subscriptions: await this.subscriptions.list(this.topic, this.visibility(who)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One subscription' })
  @ApiOkResponse({ description: 'The subscription', schema: SUBSCRIPTION })
  @NOT_YOURS
  async get(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    const found = await this.find(id, who);
    if (!found) throw new QueryError('not_found', `no subscription "${id}"; list yours with GET /v1/subscriptions`);
    return found;
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a subscription' })
  @ApiOkResponse({ description: 'Deleted', schema: { type: 'object', properties: { id: { type: 'string' }, deleted: { type: 'boolean', enum: [true] } } } })
  @NOT_YOURS
  async delete(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    if (!couldBeStoredId(id) || !(await this.subscriptions.delete(this.topic, id, this.visibility(who)))) {
      throw new QueryError('not_found', `no subscription "${id}"; list yours with GET /v1/subscriptions`);
    }
    return { id, deleted: true };
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log of a subscription, newest first: state, attempts, last status and error' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } })
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page' })
  @ApiOkResponse({ description: 'One page', schema: { type: 'object', properties: { deliveries: { type: 'array', items: { type: 'object' } }, nextCursor: { anyOf: [{ type: 'string' }, { type: 'null' }] } } } })
  @ApiErrorResponse(400, 'A bad limit or cursor (`invalid_query`)')
  @NOT_YOURS
  async deliveries(@Param('id') id: string, @CurrentPrincipal() who: Principal, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    if (!(await this.find(id, who))) {
      throw new QueryError('not_found', `no subscription "${id}"; list yours with GET /v1/subscriptions`);
    }
    if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) {
      throw new QueryError('invalid_query', 'cursor is not one this API returned; start again without it', [{ path: 'cursor', message: 'unreadable' }]);
    }
    return this.subscriptions.deliveries(id, limitParam(limit), cursor);
  }

  private async find(id: string, who: Principal) {
    return couldBeStoredId(id) ? this.subscriptions.get(this.topic, id, this.visibility(who)) : undefined;
  }

  private visibility(who: Principal): { owner: string | undefined } {
    return { owner: who.scopes.includes('admin') ? undefined : who.keyId };
  }
}
