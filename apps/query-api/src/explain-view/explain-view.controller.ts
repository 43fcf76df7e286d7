import { Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { subjectFromParam } from '../query-params';
import { pointInTime, SubjectRouteAt, ViewsController } from '../subject-route.decorator';
import { ExplainViewQuery } from './explain-view.query';
import { EXPLANATION_RESPONSE_REF } from './explain-view.response.dto';

const EXPLAIN_DESCRIPTION =
  'Contract §7.4: `status`, `reportedStatus`, each `released.<P>` and each dispute (negotiations: `status`, from the status report it rests on with those it superseded and their denials, or from the held rounds), each with its value, level, a plain-English sentence naming the sources, and the reports behind it with their role (`supports`, `denies`, `disputes`, `superseded`, `retracted`); `asOf`/`validAt` as for the view.';

const EXPLAINED = ApiOkResponse({ description: 'The facts, each with a sentence naming its sources and the reports behind it', schema: EXPLANATION_RESPONSE_REF });

/** Why a subject of either kind reads as it does, from the QueryBus. */
@ViewsController()
export class ExplainViewController {
  constructor(private readonly queries: QueryBus) {}

  @Get('exchanges/:id/explain')
  @ApiOperation({ summary: 'Why an exchange reads as it does', description: EXPLAIN_DESCRIPTION })
  @SubjectRouteAt()
  @EXPLAINED
  explainExchange(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('asOf') asOf?: unknown, @Query('validAt') validAt?: unknown) {
    return this.queries.execute(new ExplainViewQuery('exchange', subjectFromParam('exchange', id), pointInTime(asOf, validAt, reply)));
  }

  @Get('negotiations/:id/explain')
  @ApiOperation({ summary: 'Why a negotiation reads as it does', description: EXPLAIN_DESCRIPTION })
  @SubjectRouteAt()
  @EXPLAINED
  explainNegotiation(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('asOf') asOf?: unknown, @Query('validAt') validAt?: unknown) {
    return this.queries.execute(new ExplainViewQuery('negotiation', subjectFromParam('negotiation', id), pointInTime(asOf, validAt, reply)));
  }
}
