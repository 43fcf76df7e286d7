export { AuthError, KeyCheckPausedError, type AuthErrorCode, type AuthErrorDetails } from './auth.error';
export { mayWriteKind, SCOPES, type Principal, type Scope } from './scopes';
export { KEY_NAME_SCHEMA } from './key-name';
export { ApiKeyService, ApiKeyStore, keyIdOf, principalOfKey, type CreatedKey, type RevokedKey } from './api-key.service';
export { KafkaDeskError, type KafkaDeskErrorCode, type KafkaDeskLogin, type KafkaDesks } from './kafka-desks.port';
export { BEARER_SCHEME, Public, RequireScope, RevocationCheckedAtWrite, type AuthenticatedRequest } from './scope.guard';
export { AuthModule } from './auth.module';
export { CurrentPrincipal } from './principal.decorator';
export {
  accessOf,
  authorize,
  controllerRoutes,
  routeAccessTable,
  type ControllerRoute,
  type RouteAccess,
  type RouteAccessTable,
} from './route-access';
