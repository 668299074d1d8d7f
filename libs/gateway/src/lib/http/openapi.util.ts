import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { GatewayModule } from '../gateway.module';

/**
 * Serves the gateway's OpenAPI document: UI at /api/docs, JSON at /api/docs-json. Swagger needs the
 * application object, which a module never sees, so the app calls this once after NestFactory.create.
 */
export function setupGatewayOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Perch gateway')
    .setDescription('The agent desktop API: sign-in, presence, offers, interactions, replies. Live events: WebSocket /ws?token=…')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config, { include: [GatewayModule] }), {
    jsonDocumentUrl: 'api/docs-json',
  });
}
