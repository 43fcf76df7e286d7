import { Controller, Get, Query } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { documentedQueryParams, unknownQueryParamError } from './documented-query.interceptor';

@Controller('v1/things')
class ThingsController {
  @Get()
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query() _q: unknown) {
    return [];
  }

  @Get(':id')
  one(@Query('asOf') _asOf?: string) {
    return {};
  }

  @Get(':id/raw')
  raw() {
    return {};
  }
}

describe('documented query parameters', () => {
  it('are those the API document names and those a handler reads by name', () => {
    const proto = ThingsController.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    expect(documentedQueryParams(ThingsController, proto.list).sort()).toEqual(['limit', 'status']);
    expect(documentedQueryParams(ThingsController, proto.one)).toEqual(['asOf']);
    expect(documentedQueryParams(ThingsController, proto.raw)).toEqual([]);
  });

  it('refuse another with what the route takes, and the one meant when it is a typo', () => {
    const e = unknownQueryParamError('GET /v1/exchanges', ['staus'], ['status', 'party', 'q']);
    expect(e.code).toBe('invalid_query');
    expect(e.message).toBe('unknown query parameter "staus" (did you mean "status"?); GET /v1/exchanges takes status, party, q');
    expect(e.details).toEqual([{ path: 'staus', message: 'is not a parameter of GET /v1/exchanges (did you mean "status"?); allowed: status, party, q' }]);
    const none = unknownQueryParamError('GET /v1/exchanges/:id/history', ['q'], []);
    expect(none.message).toBe('unknown query parameter "q"; GET /v1/exchanges/:id/history takes no query parameters');
    const two = unknownQueryParamError('GET /v1/exchanges/:id', ['q', 'x'.repeat(100)], ['asOf', 'validAt']);
    expect(two.message).toMatch(/^unknown query parameters "q", "x{64}…"; GET/);
  });
});
