import { Module } from '@nestjs/common';
import { BrowseDeadLettersController } from './browse-dead-letters/browse-dead-letters.controller';
import { ExportEventsController } from './export-events/export-events.controller';
import { RebuildViewsController } from './rebuild-views/rebuild-views.controller';
import { ResubmitDeadLetterController } from './resubmit-dead-letter/resubmit-dead-letter.controller';
import { VerifyViewsController } from './verify-views/verify-views.controller';

/**
 * The audit routes of the query API (scope `audit`): NDJSON export, the dead letters (browsed,
 * and a corrected copy resubmitted through the ingest API), and the rebuild and verify jobs, which
 * it records and reports on while the projectors run them. Config, Kafka and PostgreSQL come from
 * the global modules.
 */
@Module({
  controllers: [ExportEventsController, RebuildViewsController, VerifyViewsController, BrowseDeadLettersController, ResubmitDeadLetterController],
})
export class AuditModule {}
