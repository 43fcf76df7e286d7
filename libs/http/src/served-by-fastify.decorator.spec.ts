import { RequestMethod } from '@nestjs/common';
import { middlewareExclusionOf } from './served-by-fastify.decorator';

describe('routes served by Fastify', () => {
  it('are left out of Nest middleware by the path and method Nest matches', () => {
    expect(middlewareExclusionOf('POST /v1/reports')).toEqual({ path: 'v1/reports', method: RequestMethod.POST });
    expect(middlewareExclusionOf('GET /v1/exchanges/:id')).toEqual({ path: 'v1/exchanges/:id', method: RequestMethod.GET });
    expect(middlewareExclusionOf('* /v1/anything')).toEqual({ path: 'v1/anything', method: RequestMethod.ALL });
  });
});
