import { runService } from '@campaign-pipeline/shared';
import { service } from './service.ts';

await runService(service);
