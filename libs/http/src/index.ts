export { COMMON_ERROR_CODES, type CommonErrorCode, type ErrorBody, type ErrorResponse } from './error-body';
export { runHttpApp, startHttpApp } from './http-app.bootstrap';
export { LoggingModule } from './logging.module';

export { HealthModule } from './health.module';
export { HEALTH_CHECKS, type HealthCheckContributor } from './health-check.contributor';
export { ProgressWatch, type ProgressSample, type Stall } from './progress.watch';
export { RateLimitModule, type RateVerdict } from './rate-limit.module';
export { ApiDocsModule, ApiErrorResponse, apiSchema, withoutDialect, type ApiDocsInfo, type ApiName, type ApiPart } from './api-docs';

export { MetricsModule, MetricsRegistry } from './metrics.module';

export { HttpErrorFilter } from './http-error.filter';
export { RouteBodyLimit, type BodyLimitSetting } from './body-size.decorator';
export { type RequestGateOptions } from './request-gate';
export { type SecurityHeaders } from './security-headers';

export { AcceptsNdjson } from './content-type.decorator';
export { ServedByFastify } from './served-by-fastify.decorator';
export { describedEventSchemas, reportWords, STORY_EXAMPLES } from './story.examples';
