import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@newsledger/auth';
import {
  CONFIRMATIONS,
  currentVersionOf,
  dataschemaOf,
  DEPRECATED_VERSIONS,
  EVENT_TYPES,
  EVENT_VERSIONS,
  eventJsonSchemaIn,
  eventJsonSchemaVersions,
  isEventType,
  SOURCE_KINDS,
} from '@newsledger/domain';
import { FastifyReply } from 'fastify';
import { describedEventSchemas, reportWords } from './story.examples';

const VERSIONED = Object.entries(EVENT_VERSIONS).map(([type, version]) => `${type} (${version})`).join(', ');
const DEPRECATIONS = DEPRECATED_VERSIONS.map((d) => `version ${d.version} of ${d.type} through ${d.acceptedUntil}`).join(', ');

/**
 * `GET /v1/schemas[/:type[/versions/:version]]`: the JSON Schema (draft 2020-12) of a report of
 * every event type, in every version, so ingestors can validate before sending; the current
 * ones say what the type records with a report of it from the story, and beside them what each
 * confirmation word and source kind means. Public like `/docs`, which carries the same schemas.
 */
@ApiTags('schemas')
@Controller('v1/schemas')
@Public()
export class EventSchemasController {
  @Get()
  @ApiOperation({
    summary: 'The JSON Schema of a report of every event type',
    description:
      'By event type, in its current version, each with a `description` of what it records and `examples` (a report of it from the story of 23 May 2025); `versions` adds every version of the types that have more than one; ' +
      '`confirmations` and `sourceKinds` say what each confirmation word and source kind means. ' +
      'Cross-field rules (e.g. `releasedBy` naming only listed parties, a retraction naming an event of the same subject) are not expressible in JSON Schema; the server checks them.',
  })
  @ApiOkResponse({
    description: 'Every event type',
    schema: {
      type: 'object',
      required: ['schemas', 'versions', 'confirmations', 'sourceKinds'],
      properties: {
        schemas: {
          type: 'object',
          description: `By event type, in its current version: ${EVENT_TYPES.join(', ')}`,
          additionalProperties: { type: 'object', description: 'A JSON Schema (draft 2020-12) with `description` and `examples`' },
        },
        versions: {
          type: 'object',
          description:
            `By event type then version ("1", "2", …), for the types past version 1: ${VERSIONED}. ` +
            `A version is named on the log by its CloudEvent's \`dataschema\` (\`${dataschemaOf('<type>', 0).replace(/0$/, '<n>')}\`). ` +
            `HTTP still accepts ${DEPRECATIONS}; such a schema says \`deprecated\`.`,
          additionalProperties: { type: 'object', additionalProperties: { type: 'object', description: 'A JSON Schema (draft 2020-12)' } },
        },
        confirmations: {
          type: 'object',
          description: 'What each confirmation word means and what it counts for',
          properties: Object.fromEntries(CONFIRMATIONS.map((c) => [c, { type: 'string' }])),
        },
        sourceKinds: {
          type: 'object',
          description: 'What each source kind is',
          properties: Object.fromEntries(SOURCE_KINDS.map((k) => [k, { type: 'string' }])),
        },
      },
    },
  })
  all(): { schemas: Record<string, object>; versions: Record<string, Record<string, object>> } & ReturnType<typeof reportWords> {
    return { schemas: describedEventSchemas(), versions: eventJsonSchemaVersions(), ...reportWords() };
  }

  @Get(':type')
  @ApiOperation({ summary: 'The JSON Schema of a report of one event type, in its current version' })
  @ApiParam({ name: 'type', enum: [...EVENT_TYPES], example: 'exchange.phase.completed' })
  @ApiProduces('application/schema+json')
  @ApiOkResponse({ description: 'A JSON Schema (draft 2020-12) with `description` and `examples`', schema: { type: 'object' } })
  one(@Param('type') type: string, @Res({ passthrough: true }) reply: FastifyReply): object {
    if (!isEventType(type)) throw unknownType(type);
    // Set here, not with @Header: that would label the 404's JSON error a schema too.
    reply.type('application/schema+json; charset=utf-8');
    return describedEventSchemas()[type];
  }

  @Get(':type/versions/:version')
  @ApiOperation({
    summary: 'The JSON Schema of a report of one event type in one version',
    description: `What \`urn:newsledger:schema:<type>:v<version>\` names. Types past version 1: ${VERSIONED}; the others have version 1 only.`,
  })
  @ApiParam({ name: 'type', enum: [...EVENT_TYPES] })
  @ApiParam({ name: 'version', schema: { type: 'integer', minimum: 1 } })
  @ApiProduces('application/schema+json')
  @ApiOkResponse({ description: 'A JSON Schema (draft 2020-12)', schema: { type: 'object' } })
  version(@Param('type') type: string, @Param('version') version: string, @Res({ passthrough: true }) reply: FastifyReply): object {
    if (!isEventType(type)) throw unknownType(type);
    const schema = /^[1-9]\d{0,2}$/.test(version) ? eventJsonSchemaIn(type, Number(version)) : undefined;
    if (!schema) {
      const current = currentVersionOf(type);
      throw new NotFoundException(`${type} has no version "${version}"; its versions are ${current === 1 ? '1' : `1 to ${current}`}`);
    }
    reply.type('application/schema+json; charset=utf-8');
    return schema;
  }
}

function unknownType(type: string): NotFoundException {
  return new NotFoundException(`there is no event type "${type}"; the types are ${EVENT_TYPES.join(', ')}`);
}
