import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@newsledger/auth';
import { CORROBORATION_LEVELS, PointInTime, SubjectKind } from '@newsledger/domain';
import { ApiErrorResponse } from '@newsledger/http';
import { FastifyReply } from 'fastify';
import { ExplainViewQuery } from './explain-view/explain-view.query';
import { EXPLANATION_RESPONSE_REF } from './explain-view/explain-view.response.dto';
import { GetHistoryQuery } from './get-history/get-history.query';
import { HISTORY_RESPONSE_REF } from './get-history/get-history.response.dto';
import { GetViewQuery } from './get-view/get-view.query';
import { EXCHANGE_VIEW_REF, NEGOTIATION_VIEW_REF } from './get-view/get-view.response.dto';
import { ListViewsQuery } from './list-views/list-views.query';
import { LIST_STATUSES, parseListViewsRequest } from './list-views/list-views.request.dto';
import { viewPageSchema } from './list-views/list-views.response.dto';
import { INSTANT_FORMAT, instantParam, subjectFromParam, validAtParam } from './query-params';

function pointInTime(asOf: unknown, validAt: unknown): PointInTime {
  const at: PointInTime = {};
  const instant = instantParam('asOf', asOf);
  const date = validAtParam(validAt);
  if (instant !== undefined) at.asOf = instant;
  if (date !== undefined) at.validAt = date;
  return at;
}

const ID_PARAM = ApiParam({ name: 'id', description: 'The subject id without its kind, e.g. `ua-ru-2025-05-1000`', schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,79}$' } });
const BAD_QUERY = ApiErrorResponse(400, 'A bad parameter (`invalid_query`, details name it)');
const NOT_FOUND = ApiErrorResponse(404, 'No report mentions this subject (at that point in time) (`not_found`)');

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
      ApiQuery({ name: 'updatedSince', required: false, schema: { type: 'string', format: 'date-time' }, description: `Views with an event recorded at or after this instant: ${INSTANT_FORMAT}` }),
      ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }),
      ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page' }),
      BAD_QUERY,
    ]) {
      d(target, key, descriptor);
    }
  };
}

/** The time-travel parameters of a view. */
function PointInTimeQueries(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiQuery({
      name: 'asOf', required: false, schema: { type: 'string', format: 'date-time' },
      description: `The view from the events *recorded* by then ("what did we know"): ${INSTANT_FORMAT}`,
    })(target, key, descriptor);
    ApiQuery({ name: 'validAt', required: false, description: '`YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an instant with offset: from the reports that *occurred* by then' })(target, key, descriptor);
  };
}

const EXPLAIN_DESCRIPTION =
  'Contract §7.4: `status`, `reportedStatus`, each `released.<P>` and each dispute (negotiations: `status`, from the status report it rests on with those it superseded and their denials, or from the held rounds), each with its value, level, a plain-English sentence naming the sources, and the reports behind it with their role (`supports`, `denies`, `disputes`, `superseded`, `retracted`); `asOf`/`validAt` as for the view.';

const VIEW_DESCRIPTION =
  'The view now, or with `asOf` and/or `validAt` as it stood then; replayed from the latest usable snapshot, which headers `X-Replay-From-Snapshot` and `X-Replay-Events-Read` name.';

/** Read routes of both subject kinds; each delegates to the QueryBus. */
@ApiTags('views')
@Controller('v1')
@RequireScope('read')
export class SubjectsController {
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

  @Get('exchanges/:id')
  @ApiOperation({ summary: 'An exchange', description: VIEW_DESCRIPTION })
  @ID_PARAM
  @PointInTimeQueries()
  @ApiOkResponse({ description: 'The view', schema: EXCHANGE_VIEW_REF })
  @BAD_QUERY
  @NOT_FOUND
  exchange(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('asOf') asOf?: unknown, @Query('validAt') validAt?: unknown) {
    return this.view(reply, new GetViewQuery('exchange', subjectFromParam('exchange', id), pointInTime(asOf, validAt)));
  }

  @Get('negotiations/:id')
  @ApiOperation({ summary: 'A negotiation', description: VIEW_DESCRIPTION })
  @ID_PARAM
  @PointInTimeQueries()
  @ApiOkResponse({ description: 'The view', schema: NEGOTIATION_VIEW_REF })
  @BAD_QUERY
  @NOT_FOUND
  negotiation(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('asOf') asOf?: unknown, @Query('validAt') validAt?: unknown) {
    return this.view(reply, new GetViewQuery('negotiation', subjectFromParam('negotiation', id), pointInTime(asOf, validAt)));
  }

  /** The answer says where its replay started in headers, so the body stays exactly the view. */
  private async view(reply: FastifyReply, query: GetViewQuery) {
    const { view, replay } = await this.queries.execute(query);
    if (replay) {
      reply.header('x-replay-from-snapshot', replay.fromSnapshot === null ? 'none' : String(replay.fromSnapshot));
      reply.header('x-replay-events-read', String(replay.eventsRead));
    }
    return view;
  }

  @Get('exchanges/:id/explain')
  @ApiOperation({ summary: 'Why an exchange reads as it does', description: EXPLAIN_DESCRIPTION })
  @ID_PARAM
  @PointInTimeQueries()
  @ApiOkResponse({ description: 'The facts, each with a sentence naming its sources and the reports behind it', schema: EXPLANATION_RESPONSE_REF })
  @BAD_QUERY
  @NOT_FOUND
  explainExchange(@Param('id') id: string, @Query('asOf') asOf?: unknown, @Query('validAt') validAt?: unknown) {
    return this.queries.execute(new ExplainViewQuery('exchange', subjectFromParam('exchange', id), pointInTime(asOf, validAt)));
  }

  @Get('negotiations/:id/explain')
  @ApiOperation({ summary: 'Why a negotiation reads as it does', description: EXPLAIN_DESCRIPTION })
  @ID_PARAM
  @PointInTimeQueries()
  @ApiOkResponse({ description: 'The facts, each with a sentence naming its sources and the reports behind it', schema: EXPLANATION_RESPONSE_REF })
  @BAD_QUERY
  @NOT_FOUND
  explainNegotiation(@Param('id') id: string, @Query('asOf') asOf?: unknown, @Query('validAt') validAt?: unknown) {
    return this.queries.execute(new ExplainViewQuery('negotiation', subjectFromParam('negotiation', id), pointInTime(asOf, validAt)));
  }

  @Get('exchanges/:id/history')
  @ApiOperation({ summary: "Every event of an exchange in log order, retracted ones marked" })
  @ID_PARAM
  @ApiOkResponse({ description: 'The history', schema: HISTORY_RESPONSE_REF })
  @BAD_QUERY
  @NOT_FOUND
  exchangeHistory(@Param('id') id: string) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('exchange', id)));
  }

  @Get('negotiations/:id/history')
  @ApiOperation({ summary: 'Every event of a negotiation in log order, retracted ones marked' })
  @ID_PARAM
  @ApiOkResponse({ description: 'The history', schema: HISTORY_RESPONSE_REF })
  @BAD_QUERY
  @NOT_FOUND
  negotiationHistory(@Param('id') id: string) {
    return this.queries.execute(new GetHistoryQuery(subjectFromParam('negotiation', id)));
  }

  private list(kind: SubjectKind, q: unknown) {
    const { filters, limit, cursor } = parseListViewsRequest(kind, q);
    return this.queries.execute(new ListViewsQuery(kind, filters, limit, cursor));
  }
}
