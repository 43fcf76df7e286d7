import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '@newsledger/auth';
import { EventLogModule } from '@newsledger/event-log';
import { ApiDocsModule, HEALTH_CHECKS, HealthModule, LoggingModule, MetricsModule, RateLimitModule } from '@newsledger/http';
import { LogIdentityHealth, PersistenceModule } from '@newsledger/persistence';
import { AdmissionLagHealth } from './admit-inbound-reports/admission-lag.health';
import { InboundReportsAdmission } from './admit-inbound-reports/inbound-reports.admission';
import { KafkaDesksRepository } from './admit-inbound-reports/kafka-desks.repository';
import { EventsProducer } from './event-log/events-producer.provider';
import { LogRefusalGate } from './event-log/log-refusal.gate';
import { ReportClaimsRepository } from './event-log/report-claims.repository';
import { IngestApiExceptionFilter } from './ingest-api.exception-filter';
import { IngestMetrics } from './ingest.metrics';
import { RecordBatchController } from './record-batch/record-batch.controller';
import { RecordBatchHandler } from './record-batch/record-batch.handler';
import { RecordReportController } from './record-report/record-report.controller';
import { RecordReportHandler } from './record-report/record-report.handler';
import { ReportRecorder } from './recording/report.recorder';

/** The command side: reports in over HTTP and from desks' inbound Kafka topics, onto the event log. */
@Module({
  imports: [
    LoggingModule,
    PersistenceModule.forRoot(),
    EventLogModule,
    CqrsModule.forRoot(),
    // Before AuthModule: global guards run in import order, and requests are counted before keys are checked.
    RateLimitModule,
    AuthModule,
    HealthModule,
    MetricsModule,
    ApiDocsModule.register({
      api: 'ingest',
      title: 'newsledger ingest API',
      description: 'Reports in over HTTP, onto the event log (`newsledger.events`, see docs/asyncapi.yaml). Errors are `{"error", "message", "details"?}`.',
    }),
  ],
  controllers: [RecordReportController, RecordBatchController],
  providers: [
    EventsProducer,
    ReportClaimsRepository,
    ReportRecorder,
    RecordReportHandler,
    RecordBatchHandler,
    KafkaDesksRepository,
    InboundReportsAdmission,
    AdmissionLagHealth,
    IngestMetrics,
    LogIdentityHealth,
    LogRefusalGate,
    { provide: HEALTH_CHECKS, useFactory: (log: LogRefusalGate, admission: AdmissionLagHealth) => [log, admission], inject: [LogRefusalGate, AdmissionLagHealth] },
    { provide: APP_FILTER, useClass: IngestApiExceptionFilter },
  ],
})
export class IngestApiModule {}
