import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@newsledger/auth';
import { FastifyReply } from 'fastify';
import { QueryError } from '../query-api.error';
import { loadPageAssets, PageAsset } from './timeline-page.assets';

/**
 * Tighter than helmet's default for the API: the page loads only its own script, style and icon
 * and talks only to this origin. No `upgrade-insecure-requests`: every URL the page uses is
 * relative, so it follows the page's scheme, and the directive would break the page over plain
 * HTTP on a newsroom's own network.
 */
export const TIMELINE_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `GET /` and `GET /assets/:file`: the live timeline page. Public because the shell holds no
 * data: the page asks for a key and sends it on its own calls to the read API. Not in the OpenAPI
 * document: it is a page for people, not part of the API.
 */
@Controller()
@Public()
@ApiExcludeController()
export class TimelinePageController {
  private readonly files = loadPageAssets();

  @Get()
  page(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): void {
    this.send(reply, this.files.page, ifNoneMatch);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): void {
    const asset = this.files.assets.get(file);
    if (!asset) throw new QueryError('not_found', `no page asset "${file}"; the page uses ${[...this.files.assets.keys()].join(', ')}`);
    this.send(reply, asset, ifNoneMatch);
  }

  private send(reply: FastifyReply, asset: PageAsset, ifNoneMatch: string | undefined): void {
    // Revalidated on every load, so a new deployment is picked up at once; unchanged files cost a 304.
    reply.header('cache-control', 'no-cache').header('etag', asset.etag).header('content-security-policy', TIMELINE_PAGE_CSP);
    if (ifNoneMatch === asset.etag) {
      reply.status(304).send();
      return;
    }
    reply.header('content-type', asset.contentType).send(asset.body);
  }
}
