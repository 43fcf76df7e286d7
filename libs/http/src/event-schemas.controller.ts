import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@newsledger/auth';
import { EVENT_TYPES, eventJsonSchemas, isEventType } from '@newsledger/domain';
import { FastifyReply } from 'fastify';

/**
 * `GET /v1/schemas[/:type]`: the JSON Schema (draft 2020-12) of a report of every event type, so
 * ingestors can validate before sending. Public like `/docs`, which carries the same schemas.
 */
@ApiTags('schemas')
@Controller('v1/schemas')
@Public()
export class EventSchemasController {
  @Get()
  @ApiOperation({
    summary: 'The JSON Schema of a report of every event type',
    description:
      'By event type. Cross-field rules (e.g. `releasedBy` naming only listed parties, a retraction naming an event of the same subject) are not expressible in JSON Schema; the server checks them.',
  })
  @ApiOkResponse({
    description: 'Every v1 event type',
    schema: {
      type: 'object',
      required: ['schemas'],
      properties: {
        schemas: {
          type: 'object',
          description: `By event type: ${EVENT_TYPES.join(', ')}`,
          additionalProperties: { type: 'object', description: 'A JSON Schema (draft 2020-12)' },
        },
      },
    },
  })
  all(): { schemas: Record<string, object> } {
    return { schemas: eventJsonSchemas() };
  }

  @Get(':type')
  @ApiOperation({ summary: 'The JSON Schema of a report of one event type' })
  @ApiParam({ name: 'type', enum: [...EVENT_TYPES] })
  @ApiProduces('application/schema+json')
  @ApiOkResponse({ description: 'A JSON Schema (draft 2020-12)', schema: { type: 'object' } })
  one(@Param('type') type: string, @Res({ passthrough: true }) reply: FastifyReply): object {
    if (!isEventType(type)) throw new NotFoundException(`there is no event type "${type}"; the types are ${EVENT_TYPES.join(', ')}`);
    // Set here, not with @Header: that would label the 404's JSON error a schema too.
    reply.type('application/schema+json; charset=utf-8');
    return eventJsonSchemas()[type];
  }
}
