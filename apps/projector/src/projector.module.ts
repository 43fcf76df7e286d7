import { Module } from '@nestjs/common';
import { ConfigModule } from '@newsledger/config';
import { EventLogModule } from '@newsledger/event-log';
import { LoggingModule } from '@newsledger/http';
import { PersistenceModule } from '@newsledger/persistence';
import { EventsProjector } from './project-events/events.projector';
import { StatusChangesRelay } from './relay-status-changes/status-changes.relay';

/** The projector process: Kafka in, views out; and the relay of the status-change outbox. */
@Module({
  imports: [ConfigModule, LoggingModule, PersistenceModule.forRoot(), EventLogModule],
  providers: [EventsProjector, StatusChangesRelay],
})
export class ProjectorModule {}
