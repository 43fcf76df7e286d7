export { apiUrlSchema, ConfigError, loadConfig, type KafkaSasl, type NewsledgerConfig } from './newsledger.config';
export { CONFIG, ConfigModule, withConfig } from './config.module';
