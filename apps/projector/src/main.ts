import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ProjectorModule } from './projector.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(ProjectorModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
