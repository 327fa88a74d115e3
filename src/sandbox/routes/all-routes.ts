import type { Route } from '../route.ts';
import { createCanvasRoute, getCanvasRoute, updateCanvasRoute } from './canvas-routes.ts';
import { customEntityRoute, dnaSequenceRoute, entryRoute } from './entry-routes.ts';
import { downloadRoute, startExportRoute, taskRoute } from './export-routes.ts';
import { listEntriesRoute } from './entry-list-route.ts';
import { jwksRoute } from './jwks-route.ts';
import { tokenRoute } from './token-route.ts';

export const ALL_ROUTES: readonly Route[] = [
  tokenRoute,
  jwksRoute,
  entryRoute,
  listEntriesRoute,
  customEntityRoute,
  dnaSequenceRoute,
  startExportRoute,
  taskRoute,
  downloadRoute,
  createCanvasRoute,
  getCanvasRoute,
  updateCanvasRoute,
];
