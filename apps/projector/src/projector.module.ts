import { Module } from '@nestjs/common';
import { ConfigModule } from '@newsledger/config';
import { EventLogModule } from '@newsledger/event-log';
import { LoggingModule } from '@newsledger/http';
import { PersistenceModule } from '@newsledger/persistence';
import { EventsProjector } from './project-events/events.projector';

/** The projector process: Kafka in, views out. */
@Module({
  imports: [ConfigModule, LoggingModule, PersistenceModule.forRoot(), EventLogModule],
  providers: [EventsProjector],
})
export class ProjectorModule {}
