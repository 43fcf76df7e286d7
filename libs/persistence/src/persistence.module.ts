import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { DataSource, DataSourceOptions } from 'typeorm';
import { dataSourceOptions, ensureDatabase, migrate } from './data-source';

/** Migrates on a data source of its own (no statement timeout), closed after. */
async function migrateApart(url: string, schema: string): Promise<void> {
  const ds = await new DataSource(dataSourceOptions(url, 1, schema)).initialize();
  try {
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
}

/** What an app asks of its connections besides the shared configuration. */
export interface PersistenceOptions {
  /** Longest any of the app's statements may run (see `database.queryStatementTimeoutMs`); 0: no limit. */
  statementTimeoutMs?: (config: NewsledgerConfig) => number;
}

/** The app's PostgreSQL connection; the database is created and migrated before it is used. */
@Module({})
export class PersistenceModule {
  static forRoot(o: PersistenceOptions = {}): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (config: NewsledgerConfig) => {
            const { url, poolSize, schema } = config.database;
            return dataSourceOptions(url, poolSize, schema, { statementTimeoutMs: o.statementTimeoutMs?.(config) });
          },
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const opts = options as DataSourceOptions & { url: string; schema: string };
            await ensureDatabase(opts.url);
            // Migrations may take longer than the app's statements may: they run on a connection of their own.
            await migrateApart(opts.url, opts.schema);
            return new DataSource(opts).initialize();
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
