import { LOCALES } from "../i18n/locales";
import { METRICS } from "../scoring/metrics";
import { SCOPES } from "../security/scopes";
import { BUILT_IN_DIMENSIONS } from "../surveys/survey-input";
import { WEBHOOK_EVENTS } from "../storage/webhooks";

/**
 * The OpenAPI 3.1 description of every route. A test compares its paths and methods with the
 * router and checks that each operation's scope is the one the route demands.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ "application/json": { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });
const authErrors = {
  "401": errorResponse("Missing or invalid credentials."),
  "403": errorResponse("The key lacks the required scope."),
};
const HTML = { "text/html": { schema: { type: "string" } } };
const secured = (scope: string) => ({ security: [{ bearer: [scope] }] });
const idParam = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } });

const perLocale = {
  type: "object",
  propertyNames: { enum: [...LOCALES] },
  additionalProperties: { type: "string", minLength: 1, maxLength: 500 },
};
const scale = {
  type: "object",
  required: ["min", "max"],
  properties: { min: { type: "integer" }, max: { type: "integer" } },
  description: "csat and rating: 1–5, 1–7 or 1–10; nps: 0–10; ces: 1–7 or 1–5; intent: 1–5. Defaults to the first.",
};
const editableSurveyFields = {
  name: { type: "string", minLength: 1, maxLength: 200 },
  satisfied_min: { type: "integer", description: "Lowest score counted as satisfied (top-2-box by default; 9 for NPS; 5 for CES 1–7)." },
  headline: { enum: ["percent", "mean"] },
  question: { ...perLocale, description: "The question per language; a localized default per metric when absent." },
  locale: { enum: [...LOCALES], default: "en" },
  touchpoint: { type: ["string", "null"], pattern: "^[a-z0-9][a-z0-9_-]{0,63}$", examples: ["support", "purchase", "trial_end"] },
  attribute: { type: ["string", "null"], maxLength: 200, description: "What a rating survey rates; required for metric rating." },
  timezone: { type: "string", default: "UTC", description: "IANA time zone; rollup days are local days of this zone." },
  segments: {
    type: "array",
    maxItems: 20,
    uniqueItems: true,
    items: { type: "string", pattern: "^[a-z][a-z0-9_]{0,39}$" },
    description: `Custom property keys kept for breakdowns; ${BUILT_IN_DIMENSIONS.join(", ")} are always kept.`,
  },
  public: { type: "boolean", default: false },
  min_public_n: { type: "integer", minimum: 1, maximum: 10000, default: 10 },
  target: {
    type: ["object", "null"],
    required: ["value", "by"],
    properties: { value: { type: "number" }, by: { type: "string", format: "date" } },
  },
  benchmark: {
    type: ["object", "null"],
    required: ["value", "label"],
    properties: { value: { type: "number" }, label: { type: "string", maxLength: 100 } },
  },
  follow_up: { ...perLocale, description: 'The open follow-up prompt per language; "What could we do better?" localized by default.' },
  retain_days: {
    type: ["integer", "null"],
    minimum: 30,
    maximum: 3650,
    description: "Days raw comments and events are kept; then comments are cleared and events deleted (scores and rollups stay). null keeps them.",
  },
};

const document = {
  openapi: "3.1.0",
  info: {
    title: "Tapscore API",
    version: "1.0.0",
    description:
      "One-tap CSAT, NPS and CES on your own Cloudflare account. Authenticate with `Authorization: Bearer <key>`; " +
      "errors are `{ error: { code, message, field? } }` with a 4xx status.",
  },
  servers: [{ url: "/" }],
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "The ADMIN_TOKEN secret or an API key (tsk_…)." },
    },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" } },
          },
        },
      },
      Scope: { enum: [...SCOPES] },
      ApiKey: {
        type: "object",
        properties: {
          id: { type: "string" },
          name: { type: "string" },
          scopes: { type: "array", items: ref("Scope") },
          created_at: { type: "string", format: "date-time" },
          last_used_at: { type: ["string", "null"], format: "date-time" },
          revoked_at: { type: ["string", "null"], format: "date-time" },
        },
      },
      NewSurvey: {
        type: "object",
        additionalProperties: false,
        required: ["id", "name", "metric"],
        properties: {
          id: { type: "string", pattern: "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$" },
          metric: { enum: [...METRICS] },
          scale,
          ...editableSurveyFields,
        },
      },
      SurveyPatch: {
        type: "object",
        additionalProperties: false,
        description: "Any editable field; id, metric and scale cannot change.",
        properties: { ...editableSurveyFields, archived: { type: "boolean" } },
      },
      Response: {
        type: "object",
        properties: {
          id: { type: "string" },
          invitation: { type: "string" },
          recipient: { type: "string" },
          score: { type: "integer" },
          comment: { type: ["string", "null"] },
          status: { enum: ["counted", "suspected", "excluded"], description: "Only counted responses enter metrics." },
          reason: {
            type: "string",
            description: "Why: tap, confirmed, override, sweep, replay, cloud_network, headless_client, bot_client, tool_client, empty_client.",
          },
          override: { enum: ["counted", "excluded", null] },
          locale: { type: ["string", "null"] },
          properties: { type: "object", additionalProperties: { type: "string" } },
          created_at: { type: "string", format: "date-time" },
          updated_at: { type: "string", format: "date-time" },
        },
      },
      Invitation: {
        type: "object",
        properties: {
          id: { type: "string" },
          recipient: { type: "string" },
          locale: { enum: [...LOCALES] },
          expires_at: { type: "string", format: "date-time" },
          url: { type: "string", description: "The page with the whole scale, for a plain link." },
          links: { type: "object", additionalProperties: { type: "string" }, description: "One one-tap link per score." },
          html: { type: "string", description: "Paste-ready email block: table layout, inline styles, no script." },
          text: { type: "string", description: "The plain-text equivalent." },
        },
      },
      WebhookEvent: { enum: [...WEBHOOK_EVENTS] },
      Webhook: {
        type: "object",
        properties: {
          id: { type: "string" },
          url: { type: "string" },
          events: { type: "array", items: ref("WebhookEvent") },
          survey: { type: ["string", "null"] },
          format: { enum: ["standard", "slack"] },
          created_at: { type: "string", format: "date-time" },
        },
      },
      WebhookDelivery: {
        type: "object",
        properties: {
          id: { type: "string", description: "The webhook-id header; the same on every attempt" },
          event: ref("WebhookEvent"),
          survey: { type: ["string", "null"] },
          status: { enum: ["pending", "delivered", "failed"] },
          attempts: { type: "integer" },
          next_attempt_at: { type: ["string", "null"], format: "date-time" },
          created_at: { type: "string", format: "date-time" },
          updated_at: { type: "string", format: "date-time" },
          log: {
            type: "array",
            items: {
              type: "object",
              properties: {
                at: { type: "string", format: "date-time" },
                status: { type: ["integer", "null"], description: "The receiver's HTTP status; null when it did not answer" },
                error: { enum: ["timeout", "network", null] },
                duration_ms: { type: "integer" },
              },
            },
          },
        },
      },
      Annotation: {
        type: "object",
        properties: {
          id: { type: "string" },
          survey: { type: "string" },
          at: { type: "string", format: "date-time" },
          day: { type: "string", format: "date", description: "The local day of at in the survey's time zone" },
          label: { type: "string" },
        },
      },
      Survey: {
        type: "object",
        properties: {
          id: { type: "string" },
          metric: { enum: [...METRICS] },
          scale,
          ...editableSurveyFields,
          archived: { type: "boolean" },
          created_at: { type: "string", format: "date-time" },
          updated_at: { type: "string", format: "date-time" },
          archived_at: { type: ["string", "null"], format: "date-time" },
        },
      },
    },
  },
  paths: {
    "/healthz": {
      get: {
        operationId: "health",
        summary: "Liveness and database reachability",
        responses: { "200": { description: "Healthy", content: json({ type: "object" }) }, "503": { description: "Database unreachable" } },
      },
    },
    "/api/v1/openapi.json": {
      get: { operationId: "openapi", summary: "This document", responses: { "200": { description: "OpenAPI 3.1", content: json({ type: "object" }) } } },
    },
    "/api/v1/keys": {
      post: {
        operationId: "createKey",
        summary: "Create an API key; the secret is returned once",
        ...secured("admin"),
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["name", "scopes"],
            properties: { name: { type: "string" }, scopes: { type: "array", items: ref("Scope"), minItems: 1 } },
          }),
        },
        responses: {
          "201": { description: "Created", content: json({ allOf: [ref("ApiKey"), { properties: { key: { type: "string" } } }] }) },
          "400": errorResponse("Invalid field"),
          ...authErrors,
        },
      },
      get: {
        operationId: "listKeys",
        summary: "List API keys (never their secrets)",
        ...secured("admin"),
        responses: { "200": { description: "Keys", content: json({ type: "object", properties: { keys: { type: "array", items: ref("ApiKey") } } }) }, ...authErrors },
      },
    },
    "/api/v1/keys/{id}": {
      delete: {
        operationId: "revokeKey",
        summary: "Revoke an API key at once",
        ...secured("admin"),
        parameters: [idParam("id", "Key id")],
        responses: { "204": { description: "Revoked" }, "404": errorResponse("No active key with this id"), ...authErrors },
      },
    },
    "/api/v1/surveys": {
      post: {
        operationId: "createSurvey",
        summary: "Create a survey",
        ...secured("surveys:write"),
        requestBody: { required: true, content: json(ref("NewSurvey")) },
        responses: {
          "201": { description: "Created", content: json(ref("Survey")) },
          "400": errorResponse("Invalid field (named in error.field)"),
          "409": errorResponse("A survey with this id exists"),
          ...authErrors,
        },
      },
      get: {
        operationId: "listSurveys",
        summary: "List surveys by id",
        ...secured("surveys:read"),
        parameters: [
          { name: "include_archived", in: "query", schema: { type: "boolean", default: false } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
          { name: "cursor", in: "query", schema: { type: "string" }, description: "next_cursor of the previous page" },
        ],
        responses: {
          "200": {
            description: "A page of surveys",
            content: json({ type: "object", properties: { surveys: { type: "array", items: ref("Survey") }, next_cursor: { type: ["string", "null"] } } }),
          },
          "400": errorResponse("Invalid query"),
          ...authErrors,
        },
      },
    },
    "/api/v1/surveys/{id}": {
      get: {
        operationId: "getSurvey",
        summary: "Read a survey",
        ...secured("surveys:read"),
        parameters: [idParam("id", "Survey id")],
        responses: { "200": { description: "The survey", content: json(ref("Survey")) }, "404": errorResponse("Unknown survey"), ...authErrors },
      },
      patch: {
        operationId: "updateSurvey",
        summary: "Change editable fields (or archived)",
        ...secured("surveys:write"),
        parameters: [idParam("id", "Survey id")],
        requestBody: { required: true, content: json(ref("SurveyPatch")) },
        responses: {
          "200": { description: "The changed survey", content: json(ref("Survey")) },
          "400": errorResponse("Invalid or immutable field"),
          "404": errorResponse("Unknown survey"),
          ...authErrors,
        },
      },
      delete: {
        operationId: "archiveSurvey",
        summary: "Archive a survey (its data stays)",
        ...secured("surveys:write"),
        parameters: [idParam("id", "Survey id")],
        responses: { "200": { description: "The archived survey", content: json(ref("Survey")) }, "404": errorResponse("Unknown survey"), ...authErrors },
      },
    },

    "/api/v1/surveys/{id}/invitations": {
      post: {
        operationId: "createInvitations",
        summary: "Create invitations: one-tap links and email snippets per recipient",
        ...secured("invitations:write"),
        parameters: [idParam("id", "Survey id")],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["recipients"],
            additionalProperties: false,
            properties: {
              recipients: {
                type: "array",
                minItems: 1,
                maxItems: 1000,
                items: {
                  type: "object",
                  required: ["recipient"],
                  additionalProperties: false,
                  properties: {
                    recipient: { type: "string", maxLength: 200 },
                    email: { type: "string", format: "email" },
                    locale: { enum: [...LOCALES] },
                    properties: {
                      type: "object",
                      description: "Segment values: touchpoint, channel, country (ISO 3166), variant and the survey's segments.",
                      additionalProperties: { type: ["string", "number", "boolean"] },
                    },
                  },
                },
              },
              expires_in_days: { type: "integer", minimum: 1, maximum: 365, default: 30 },
              throttle_days: { type: "integer", minimum: 1, maximum: 3650, description: "Skip anyone this survey invited within so many days." },
              snippets: { type: "boolean", default: true, description: "Include html and text per invitation." },
            },
          }),
        },
        responses: {
          "201": {
            description: "Created",
            content: json({
              type: "object",
              properties: {
                invitations: { type: "array", items: ref("Invitation") },
                skipped: {
                  type: "array",
                  items: { type: "object", properties: { recipient: { type: "string" }, reason: { enum: ["recently_invited", "duplicate_in_request"] } } },
                },
              },
            }),
          },
          "400": errorResponse("Invalid field"),
          "404": errorResponse("Unknown survey"),
          "409": errorResponse("The survey is archived"),
          ...authErrors,
        },
      },
    },
    "/api/v1/surveys/{id}/responses": {
      get: {
        operationId: "listResponses",
        summary: "List responses, newest first; or export them all as CSV or NDJSON",
        description:
          "Without format: a JSON page. With format: every matching response, oldest first, streamed as a download. " +
          "CSV is RFC 4180 with a UTF-8 byte order mark (Excel keeps accents); columns id, invitation, recipient, score, " +
          "comment, status, reason, locale, created_at, updated_at, then property.<key> per property the survey keeps. " +
          "Text starting with = + - @ gets a leading ' so spreadsheets never run it as a formula. NDJSON has one Response per line.",
        ...secured("responses:read"),
        parameters: [
          idParam("id", "Survey id"),
          { name: "status", in: "query", schema: { enum: ["counted", "suspected", "excluded"] } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 }, description: "Page size (not for exports)" },
          { name: "cursor", in: "query", schema: { type: "string" }, description: "next_cursor of the previous page (not for exports)" },
          { name: "format", in: "query", schema: { enum: ["csv", "ndjson"] }, description: "Export every matching response in this format" },
          { name: "from", in: "query", schema: { type: "string" }, description: "Exports: first day (YYYY-MM-DD, survey's time zone) or ISO date-time" },
          { name: "to", in: "query", schema: { type: "string" }, description: "Exports: last day, included (YYYY-MM-DD), or ISO date-time, excluded" },
        ],
        responses: {
          "200": {
            description: "A page of responses, or the export",
            content: {
              ...json({ type: "object", properties: { responses: { type: "array", items: ref("Response") }, next_cursor: { type: ["string", "null"] } } }),
              "text/csv": { schema: { type: "string" } },
              "application/x-ndjson": { schema: { type: "string" } },
            },
          },
          "400": errorResponse("Invalid query (named in error.field)"),
          "404": errorResponse("Unknown survey"),
          "429": errorResponse("Rate limited; see Retry-After"),
          ...authErrors,
        },
      },
      post: {
        operationId: "ingestResponse",
        summary: "Record a score collected elsewhere (widget, kiosk, call centre, import), once per Idempotency-Key",
        description:
          "Validated like a tap: the score on the survey's scale, a comment of at most 2,000 characters, properties " +
          "among the survey's segments. Creates an invitation and a counted response. The same Idempotency-Key with " +
          "the same body answers 200 with the original response and changes nothing; with another body, 409.",
        ...secured("responses:write"),
        parameters: [
          idParam("id", "Survey id"),
          { name: "Idempotency-Key", in: "header", required: true, schema: { type: "string", minLength: 1, maxLength: 200 } },
        ],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["recipient", "score"],
            additionalProperties: false,
            properties: {
              recipient: { type: "string", minLength: 1, maxLength: 200 },
              score: { type: "integer" },
              comment: { type: ["string", "null"], maxLength: 2000 },
              locale: { enum: [...LOCALES] },
              properties: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
              responded_at: { type: "string", format: "date-time", description: "When the person answered (with a zone); default now." },
            },
          }),
        },
        responses: {
          "201": { description: "Recorded", content: json(ref("Response")) },
          "200": { description: "Already recorded under this Idempotency-Key (header Idempotent-Replayed: true)", content: json(ref("Response")) },
          "400": errorResponse("Invalid field or missing Idempotency-Key"),
          "404": errorResponse("Unknown survey"),
          "409": errorResponse("Idempotency-Key reused with another body, or the survey is archived"),
          "413": errorResponse("Body larger than 64 KiB"),
          "429": errorResponse("Rate limited; see Retry-After"),
          ...authErrors,
        },
      },
    },
    "/api/v1/responses/{id}": {
      patch: {
        operationId: "overrideResponse",
        summary: "Override the counting rule for one response",
        ...secured("responses:write"),
        parameters: [idParam("id", "Response id")],
        requestBody: {
          required: true,
          content: json({ type: "object", required: ["status"], properties: { status: { enum: ["counted", "excluded", "auto"] } } }),
        },
        responses: {
          "200": { description: "The response with its new status", content: json(ref("Response")) },
          "400": errorResponse("Invalid field"),
          "404": errorResponse("Unknown response"),
          ...authErrors,
        },
      },
    },
    "/api/v1/surveys/{id}/metrics": {
      get: {
        operationId: "getMetrics",
        summary: "Headline, distribution, series, groups, comparison, target and response rate, from rollups",
        description:
          "Answers from the rollups only (refreshed every 5 minutes); suspected and excluded responses never count. " +
          "Days are local days of the survey's time zone. Percentages and NPS are in points, unrounded; every value " +
          "carries n and a 95% interval, and low_confidence below 30 answers.",
        ...secured("metrics:read"),
        parameters: [
          idParam("id", "Survey id"),
          { name: "from", in: "query", schema: { type: "string", format: "date" }, description: "First local day; default: 89 days before to." },
          { name: "to", in: "query", schema: { type: "string", format: "date" }, description: "Last local day, included; default: today in the survey's zone. At most 1,096 days after from." },
          { name: "granularity", in: "query", schema: { enum: ["day", "week", "month"], default: "day" }, description: "Periods of the series; weeks start on Monday." },
          { name: "group_by", in: "query", schema: { type: "string" }, description: `One of ${BUILT_IN_DIMENSIONS.join(", ")} or a custom segment key of the survey.` },
          { name: "compare", in: "query", schema: { enum: ["previous", "variant"] }, description: "previous: the range of equal length before; variant: the first two variant values in name order." },
        ],
        responses: {
          "200": {
            description: "Metrics for the range",
            content: json({
              type: "object",
              required: ["survey", "from", "to", "headline", "distribution", "series", "response_rate"],
              properties: {
                survey: { type: "string" },
                from: { type: "string", format: "date" },
                to: { type: "string", format: "date" },
                granularity: { enum: ["day", "week", "month"] },
                headline: {
                  type: "object",
                  properties: {
                    metric: { enum: [...METRICS] },
                    unit: { enum: ["percent", "nps", "mean"] },
                    value: { type: ["number", "null"] },
                    ci: { type: ["array", "null"], items: { type: "number" }, minItems: 2, maxItems: 2 },
                    n: { type: "integer" },
                    low_confidence: { type: "boolean" },
                  },
                },
                distribution: { type: "array", items: { type: "object", properties: { score: { type: "integer" }, count: { type: "integer" }, percent: { type: ["number", "null"] } } } },
                series: { type: "array", items: { type: "object", properties: { period: { type: "string" }, from: { type: "string" }, to: { type: "string" }, value: { type: ["number", "null"] }, n: { type: "integer" } } } },
                group_by: { type: "string" },
                groups: { type: "array", items: { type: "object", properties: { group: { type: ["string", "null"] }, value: { type: ["number", "null"] }, n: { type: "integer" } } } },
                comparison: { type: "object", properties: { against: { enum: ["previous", "variant"] }, difference: { type: ["number", "null"] }, p_value: { type: ["number", "null"] }, significant: { type: "boolean" } } },
                target: { type: "object", properties: { value: { type: "number" }, by: { type: "string", format: "date" }, expected: { type: ["number", "null"] }, on_track: { type: ["boolean", "null"] } } },
                response_rate: { type: "object", properties: { percent: { type: ["number", "null"] }, responses: { type: "integer" }, invitations: { type: "integer" } } },
                comments: { type: "integer" },
                excluded: { type: "integer", description: "Suspected scanner clicks and excluded responses in the range" },
              },
            }),
          },
          "400": errorResponse("Invalid query parameter (named in error.field)"),
          "404": errorResponse("Unknown survey"),
          ...authErrors,
        },
      },
    },
    "/api/v1/reports/export": {
      get: {
        operationId: "reportExport",
        summary: "Everything the report site is built from: surveys, daily rollups per segment, annotations, latest comments",
        ...secured("reports:read"),
        parameters: [
          {
            name: "audience",
            in: "query",
            schema: { enum: ["internal", "public"], default: "internal" },
            description: "public: public surveys, the overall rows only, no comments",
          },
        ],
        responses: {
          "200": {
            description: "The export (see functions/reports/report-data.ts)",
            content: json({
              type: "object",
              properties: {
                generated_at: { type: "string", format: "date-time" },
                audience: { enum: ["internal", "public"] },
                through: { type: "string", format: "date" },
                surveys: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: {
                      survey: ref("Survey"),
                      rollups: {
                        type: "array",
                        items: {
                          type: "object",
                          properties: {
                            day: { type: "string", format: "date" },
                            dimension: { type: "string" },
                            value: { type: "string" },
                            counts: { type: "array", items: { type: "integer" } },
                            invitations: { type: "integer" },
                            comments: { type: "integer" },
                            excluded: { type: "integer" },
                          },
                        },
                      },
                      annotations: { type: "array", items: { type: "object", properties: { at: { type: "string" }, label: { type: "string" } } } },
                      comments: { type: "array", items: { type: "object" } },
                    },
                  },
                },
              },
            }),
          },
          "400": errorResponse("Invalid query"),
          ...authErrors,
        },
      },
    },
    "/internal/sign-in": {
      get: {
        operationId: "internalSignInForm",
        summary: "Sign-in page for internal reports (when Cloudflare Access is not configured)",
        parameters: [{ name: "next", in: "query", schema: { type: "string" }, description: "An /internal/ path to return to" }],
        responses: { "200": { description: "Page", content: HTML } },
      },
      post: {
        operationId: "internalSignIn",
        summary: "Trade the admin token or a reports:read key for a signed, HttpOnly, SameSite=Strict session cookie",
        requestBody: {
          content: { "application/x-www-form-urlencoded": { schema: { type: "object", required: ["token"], properties: { token: { type: "string" }, next: { type: "string" } } } } },
        },
        responses: { "303": { description: "Signed in; redirected to next" }, "401": { description: "Invalid token (page)" } },
      },
    },
    "/internal/sign-out": {
      post: { operationId: "internalSignOut", summary: "End the session", responses: { "303": { description: "Signed out" } } },
    },
    "/internal/{path}": {
      get: {
        operationId: "internalPage",
        summary: "A built internal report page, after the Access JWT or the session cookie is verified",
        parameters: [{ name: "path", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "Page", content: HTML }, "302": { description: "Signed out: redirected to sign-in" } },
      },
    },
    "/api/v1/surveys/{id}/annotations": {
      post: {
        operationId: "createAnnotation",
        summary: "Add a note to the survey's timeline (shown on every trend)",
        description: "The id is derived from survey, moment and label: posting the same note again answers 200 with it and adds nothing.",
        ...secured("surveys:write"),
        parameters: [idParam("id", "Survey id")],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["at", "label"],
            additionalProperties: false,
            properties: {
              at: { type: "string", description: "A day (YYYY-MM-DD: the start of that day in the survey's time zone) or an ISO 8601 date-time with a zone." },
              label: { type: "string", minLength: 1, maxLength: 200 },
            },
          }),
        },
        responses: {
          "201": { description: "Created", content: json(ref("Annotation")) },
          "200": { description: "The same note existed", content: json(ref("Annotation")) },
          "400": errorResponse("Invalid field"),
          "404": errorResponse("Unknown survey"),
          ...authErrors,
        },
      },
      get: {
        operationId: "listAnnotations",
        summary: "The survey's annotations in time order (at most 1,000)",
        ...secured("surveys:read"),
        parameters: [
          idParam("id", "Survey id"),
          { name: "from", in: "query", schema: { type: "string" }, description: "First day (YYYY-MM-DD, survey's time zone) or ISO date-time" },
          { name: "to", in: "query", schema: { type: "string" }, description: "Last day, included (YYYY-MM-DD), or ISO date-time, excluded" },
        ],
        responses: {
          "200": { description: "Annotations", content: json({ type: "object", properties: { annotations: { type: "array", items: ref("Annotation") } } }) },
          "400": errorResponse("Invalid query"),
          "404": errorResponse("Unknown survey"),
          ...authErrors,
        },
      },
    },
    "/api/v1/surveys/{id}/annotations/{annotation}": {
      delete: {
        operationId: "deleteAnnotation",
        summary: "Remove an annotation",
        ...secured("surveys:write"),
        parameters: [idParam("id", "Survey id"), idParam("annotation", "Annotation id")],
        responses: { "204": { description: "Deleted" }, "404": errorResponse("Unknown survey or annotation"), ...authErrors },
      },
    },
    "/api/v1/webhooks": {
      post: {
        operationId: "createWebhook",
        summary: "Subscribe an endpoint to events; the signing secret is returned once",
        description:
          "Deliveries are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 " +
          "of \"{id}.{timestamp}.{body}\"> with the whsec_ secret). The first attempt is made right after the response is stored; " +
          "failures are retried after 30 s, 2 min, 10 min, 1 h and 6 h, then the delivery is marked failed. Only counted " +
          "responses are announced; low_score means an NPS detractor (0–6) or a score below the survey's satisfied_min.",
        ...secured("admin"),
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["url", "events"],
            additionalProperties: false,
            properties: {
              url: { type: "string", format: "uri", maxLength: 2048, description: "https; http only to localhost or 127.0.0.1 for local development" },
              events: { type: "array", minItems: 1, uniqueItems: true, items: ref("WebhookEvent") },
              survey: { type: ["string", "null"], description: "Only this survey's events; all surveys when absent" },
              format: { enum: ["standard", "slack"], default: "standard", description: "slack: a Slack message { text } instead of the event envelope" },
            },
          }),
        },
        responses: {
          "201": { description: "Created", content: json({ allOf: [ref("Webhook"), { properties: { secret: { type: "string", description: "whsec_…; shown only now" } } }] }) },
          "400": errorResponse("Invalid field"),
          "409": errorResponse("Too many webhooks"),
          ...authErrors,
        },
      },
      get: {
        operationId: "listWebhooks",
        summary: "List webhooks (never their secrets)",
        ...secured("admin"),
        responses: { "200": { description: "Webhooks", content: json({ type: "object", properties: { webhooks: { type: "array", items: ref("Webhook") } } }) }, ...authErrors },
      },
    },
    "/api/v1/webhooks/{id}": {
      delete: {
        operationId: "deleteWebhook",
        summary: "Delete a webhook with its delivery log; nothing more is sent to it",
        ...secured("admin"),
        parameters: [idParam("id", "Webhook id")],
        responses: { "204": { description: "Deleted" }, "404": errorResponse("Unknown webhook"), ...authErrors },
      },
    },
    "/api/v1/webhooks/{id}/deliveries": {
      get: {
        operationId: "listWebhookDeliveries",
        summary: "The delivery log of one webhook, newest first (kept 30 days)",
        ...secured("admin"),
        parameters: [
          idParam("id", "Webhook id"),
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
          { name: "cursor", in: "query", schema: { type: "string" }, description: "next_cursor of the previous page" },
        ],
        responses: {
          "200": {
            description: "A page of deliveries",
            content: json({ type: "object", properties: { deliveries: { type: "array", items: ref("WebhookDelivery") }, next_cursor: { type: ["string", "null"] } } }),
          },
          "400": errorResponse("Invalid query"),
          "404": errorResponse("Unknown webhook"),
          ...authErrors,
        },
      },
    },
    "/api/v1/respondents/{recipient}": {
      delete: {
        operationId: "eraseRespondent",
        summary: "Erase one person: invitations, responses, comments, raw events and webhook bodies",
        description:
          "Everything in one transaction, with an audit entry that names no one; the next rollup tick corrects every metric. " +
          "Idempotent: an unknown recipient answers zeros.",
        ...secured("admin"),
        parameters: [
          idParam("recipient", "The recipient id used in invitations, percent-encoded"),
          { name: "survey", in: "query", schema: { type: "string" }, description: "Erase only within this survey" },
        ],
        responses: {
          "200": {
            description: "Rows removed",
            content: json({
              type: "object",
              properties: {
                erased: {
                  type: "object",
                  properties: { invitations: { type: "integer" }, responses: { type: "integer" }, events: { type: "integer" } },
                },
              },
            }),
          },
          "400": errorResponse("Invalid recipient or survey"),
          "404": errorResponse("Unknown survey"),
          ...authErrors,
        },
      },
    },
    "/r/{token}": {
      get: {
        operationId: "respondentScale",
        summary: "Respondent page with the whole scale (HTML)",
        parameters: [idParam("token", "Signed link token")],
        responses: { "200": { description: "Page", content: HTML }, "404": { description: "Unknown or forged link (page)" }, "410": { description: "Expired link or closed survey (page)" } },
      },
      head: {
        operationId: "respondentProbe",
        summary: "Link check; recorded, never counted",
        parameters: [idParam("token", "Signed link token")],
        responses: { "200": { description: "Link exists" }, "404": { description: "Unknown link" } },
      },
      post: {
        operationId: "respondentSubmit",
        summary: "The page's forms: choose another score, or leave a comment",
        parameters: [idParam("token", "Signed link token")],
        requestBody: {
          content: {
            "application/x-www-form-urlencoded": {
              schema: {
                type: "object",
                required: ["score"],
                properties: { action: { enum: ["choose", "comment"] }, score: { type: "integer" }, comment: { type: "string", maxLength: 2000 }, nonce: { type: "string" } },
              },
            },
          },
        },
        responses: { "200": { description: "Page", content: HTML }, "400": { description: "Not a valid form (page)" } },
      },
    },
    "/r/{token}/{score}": {
      get: {
        operationId: "respondentTap",
        summary: "The one-tap link from the email (HTML)",
        parameters: [idParam("token", "Signed link token"), { name: "score", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "200": { description: "Thank-you page with the choice marked", content: HTML }, "400": { description: "Score not on the scale (page)" } },
      },
      head: {
        operationId: "respondentProbeScore",
        summary: "Link check; recorded, never counted",
        parameters: [idParam("token", "Signed link token"), { name: "score", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "200": { description: "Link exists" } },
      },
    },
    "/r/{token}/signal": {
      post: {
        operationId: "respondentSignal",
        summary: "Beacon sent by the page on a person's first input",
        parameters: [idParam("token", "Signed link token")],
        responses: { "204": { description: "Recorded" } },
      },
    },
  },
} as const;

export type OpenApiDocument = typeof document;
export const OPENAPI: OpenApiDocument = document;

export function openApiDocument(): Response {
  return Response.json(document, { headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" } });
}
