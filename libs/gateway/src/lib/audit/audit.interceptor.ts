import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { concatMap, type Observable } from 'rxjs';

import { type AuditedRequest, AuditRecorder } from './audit-recorder.service';

/** Records an @Audited() route's success before its answer goes out; failures are the exception filter's to record. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly recorder: AuditRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    return next.handle().pipe(
      concatMap(async (result: unknown) => {
        await this.recorder.succeeded(request, result);
        return result;
      }),
    );
  }
}
