import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { DataSource, DataSourceOptions } from 'typeorm';
import { dataSourceOptions, ensureDatabase, migrate } from './data-source';

/** The app's PostgreSQL connection; the database is created and migrated before it is used. */
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (config: NewsledgerConfig) => dataSourceOptions(config.database.url, config.database.poolSize, config.database.schema),
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const opts = options as DataSourceOptions & { url: string };
            await ensureDatabase(opts.url);
            const ds = await new DataSource(opts).initialize();
            await migrate(ds);
            return ds;
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
