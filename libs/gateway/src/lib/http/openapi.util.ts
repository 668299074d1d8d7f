import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { GatewayModule } from '../gateway.module';

/**
 * Builds the gateway's OpenAPI document from `app` (the agents' app) and serves it from `servedBy`, the internal
 * listener (startInternalHttp's `configure`): UI at /api/docs, JSON at /api/docs-json. The agents' listener never
 * serves it, so the API map is for operators only. Swagger needs the application object, which a module never
 * sees, so the app calls this once after NestFactory.create.
 */
export function setupGatewayOpenApi(app: INestApplication, servedBy: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Perch gateway')
    .setDescription('The agent desktop API: sign-in, presence, offers, interactions, replies. Live events: WebSocket /ws, whose first message must be {"type":"auth","token":…} within 5 s (close 4401 otherwise, and when the token expires, is signed out or revoked).')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', servedBy, () => SwaggerModule.createDocument(app, config, { include: [GatewayModule] }), {
    jsonDocumentUrl: 'api/docs-json',
  });
}
