import type { Handler } from "../context";
import type { RequestCategory } from "../request-log";
import {
  deleteFunctionKey,
  getActionGroup,
  getSite,
  listFunctionKeys,
  putActionGroup,
  putFunction,
  putFunctionKey,
  putSite,
} from "./web-and-action-groups";


const SITE = "/providers/microsoft\\.web/sites/(?<site>[^/]+)";
const FUNCTION = `${SITE}/functions/(?<fn>[^/]+)`;
const ACTION_GROUP = "/providers/microsoft\\.insights/actiongroups/(?<group>[^/]+)";

/** Routes (relative to a resource group) for what the deployment hooks call. */
export const WEB_AND_ACTION_GROUP_ROUTES: { method: string; path: string; operation: string; category: RequestCategory; handler: Handler }[] = [
  { method: "PUT", path: SITE, operation: "site.put", category: "write", handler: putSite },
  { method: "GET", path: SITE, operation: "site.get", category: "read", handler: getSite },
  { method: "PUT", path: FUNCTION, operation: "function.put", category: "write", handler: putFunction },
  { method: "PUT", path: `${FUNCTION}/keys/(?<key>[^/]+)`, operation: "functionKey.put", category: "write", handler: putFunctionKey },
  { method: "DELETE", path: `${FUNCTION}/keys/(?<key>[^/]+)`, operation: "functionKey.delete", category: "write", handler: deleteFunctionKey },
  { method: "POST", path: `${FUNCTION}/listkeys`, operation: "functionKeys.list", category: "action", handler: listFunctionKeys },
  { method: "GET", path: ACTION_GROUP, operation: "actionGroup.get", category: "read", handler: getActionGroup },
  { method: "PUT", path: ACTION_GROUP, operation: "actionGroup.put", category: "write", handler: putActionGroup },
];
