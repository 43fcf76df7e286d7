import { Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { CORROBORATION_LEVELS, SubjectKind } from '@newsledger/domain';
import { EXCHANGE_VIEW_REF, NEGOTIATION_VIEW_REF } from '../get-view/get-view.response.dto';
import { INSTANT_FORMAT } from '../query-params';
import { BAD_QUERY, ViewsController } from '../subject-route.decorator';
import { ListViewsQuery } from './list-views.query';
import { LIST_STATUSES, parseListViewsRequest } from './list-views.request.dto';
import { viewPageSchema } from './list-views.response.dto';

/** The list filters and paging of a kind. */
function ListQueries(kind: SubjectKind): MethodDecorator {
  const statuses = LIST_STATUSES[kind].join(', ');
  const many = (items: object) => ({ type: 'array', items }) as const;
  return (target, key, descriptor) => {
    for (const d of [
      ApiQuery({
        name: 'status', required: false, style: 'form', explode: true, schema: many({ type: 'string', enum: [...LIST_STATUSES[kind]] }),
        description: `One or more of ${statuses}, comma-separated or repeated: views with any of them. Another value is refused (400).`,
      }),
      ApiQuery({
        name: 'reportedStatus', required: false, style: 'form', explode: true, schema: many({ type: 'string', enum: [...LIST_STATUSES[kind]] }),
        description: 'As `status`, on `reportedStatus`',
      }),
      ApiQuery({
        name: 'party', required: false, style: 'form', explode: true, schema: many({ type: 'string', pattern: '^[A-Za-z]{2}$' }),
        description: 'One or more ISO 3166 alpha-2 codes (either case), comma-separated or repeated: subjects naming any of them, e.g. `UA` or `UA,RU`',
      }),
      ApiQuery({ name: 'disputed', required: false, schema: { type: 'boolean' }, description: '`true`: exchanges with a disputed figure (contract §7.3); `false`: views without one' }),
      ApiQuery({
        name: 'level', required: false, style: 'form', explode: true, schema: many({ type: 'string', enum: [...CORROBORATION_LEVELS] }),
        description: 'One or more corroboration levels, comma-separated or repeated: exchanges whose `reportedStatus` stage has any of them (contract §7.2)',
      }),
      ApiQuery({
        name: 'q', required: false, schema: { type: 'string', maxLength: 200 },
        description: 'Text, case-insensitive: subjects whose id, title, parties, source names, mediators or venues contain it (contract §7.6)',
      }),
      ApiQuery({
        name: 'updatedSince',
        required: false,
        schema: { type: 'string', examples: ['2025-05-23T10:00:00Z', '2025-05-23'] },
        description: `Views with an event recorded at or after this instant: ${INSTANT_FORMAT}; or a date YYYY-MM-DD, from the start of that day (UTC)`,
      }),
      ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }),
      ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page' }),
      BAD_QUERY,
    ]) {
      d(target, key, descriptor);
    }
  };
}

/** Lists of both subject kinds; each page comes from the QueryBus. */
@ViewsController()
export class ListViewsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('exchanges')
  @ApiOperation({ summary: 'List exchanges, most recently updated first' })
  @ListQueries('exchange')
  @ApiOkResponse({ description: 'One page', schema: viewPageSchema(EXCHANGE_VIEW_REF) })
  listExchanges(@Query() q: unknown) {
    return this.list('exchange', q);
  }

  @Get('negotiations')
  @ApiOperation({ summary: 'List negotiations, most recently updated first' })
  @ListQueries('negotiation')
  @ApiOkResponse({ description: 'One page', schema: viewPageSchema(NEGOTIATION_VIEW_REF) })
  listNegotiations(@Query() q: unknown) {
    return this.list('negotiation', q);
  }

  private list(kind: SubjectKind, q: unknown) {
    const { filters, limit, cursor } = parseListViewsRequest(kind, q);
    return this.queries.execute(new ListViewsQuery(kind, filters, limit, cursor));
  }
}
