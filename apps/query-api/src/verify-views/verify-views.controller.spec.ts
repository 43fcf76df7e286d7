import { AuditError, verifyViews, VerifyReport } from '@newsledger/audit';
import { loadConfig } from '@newsledger/config';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { VerifyViewsController } from './verify-views.controller';

jest.mock('@newsledger/audit', () => ({ ...jest.requireActual('@newsledger/audit'), verifyViews: jest.fn() }));

describe('VerifyViewsController', () => {
  it('runs one verification at a time: another asked meanwhile gets verify_running, and one asked after it runs', async () => {
    let finish!: (report: VerifyReport) => void;
    jest.mocked(verifyViews).mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    const controller = new VerifyViewsController({} as DataSource, {} as Kafka, loadConfig());

    const first = controller.verify();
    const second = controller.verify();
    await expect(second).rejects.toBeInstanceOf(AuditError);
    await expect(second).rejects.toMatchObject({ code: 'verify_running', details: { startedAt: expect.any(String) } });

    const report = { ok: true } as VerifyReport;
    finish(report);
    await expect(first).resolves.toBe(report);
    jest.mocked(verifyViews).mockResolvedValueOnce(report);
    await expect(controller.verify()).resolves.toBe(report);
  });

  it('lets the next one run after a verification fails', async () => {
    jest.mocked(verifyViews).mockRejectedValueOnce(new Error('broker down'));
    const controller = new VerifyViewsController({} as DataSource, {} as Kafka, loadConfig());
    await expect(controller.verify()).rejects.toThrow('broker down');
    jest.mocked(verifyViews).mockResolvedValueOnce({ ok: true } as VerifyReport);
    await expect(controller.verify()).resolves.toEqual({ ok: true });
  });
});
