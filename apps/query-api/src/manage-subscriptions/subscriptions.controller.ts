import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal, RequireScope } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { checkWebhookTarget } from '../deliver-webhooks/webhook-target';
import { QueryError } from '../query-api.error';
import { parseCreateSubscription } from './subscription.request.dto';
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
  async list(@CurrentPrincipal() who: Principal) {
    return { subscriptions: await this.subscriptions.list(this.topic, this.visibility(who)) };
  }

  @Get(':id')
  async get(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    const found = await this.subscriptions.get(this.topic, id, this.visibility(who));
    if (!found) throw new QueryError('not_found', `no subscription "${id}"; list yours with GET /v1/subscriptions`);
    return found;
  }

  @Delete(':id')
  async delete(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    if (!(await this.subscriptions.delete(this.topic, id, this.visibility(who)))) {
      throw new QueryError('not_found', `no subscription "${id}"; list yours with GET /v1/subscriptions`);
    }
    return { id, deleted: true };
  }

  @Get(':id/deliveries')
  async deliveries(@Param('id') id: string, @CurrentPrincipal() who: Principal, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    if (!(await this.subscriptions.get(this.topic, id, this.visibility(who)))) {
      throw new QueryError('not_found', `no subscription "${id}"; list yours with GET /v1/subscriptions`);
    }
    if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) {
      throw new QueryError('invalid_query', 'cursor is not one this API returned; start again without it', [{ path: 'cursor', message: 'unreadable' }]);
    }
    return this.subscriptions.deliveries(id, limitParam(limit), cursor);
  }

  private visibility(who: Principal): { owner: string | undefined } {
    return { owner: who.scopes.includes('admin') ? undefined : who.keyId };
  }
}
