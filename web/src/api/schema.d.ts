// 由 scripts/web-api.ts 从 OpenAPI 文档生成，请勿手改 / generated from the OpenAPI document by
// scripts/web-api.ts (npm run web:api); do not edit by hand.
export interface paths {
  '/api/v1/access/roles': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 角色及其权限（三员分立：系统管理员、安全保密管理员、安全审计员各自独立） */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                actions: string[];
                duty: boolean;
                en: string;
                /** @enum {string} */
                role: 'admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader';
                zh: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 审计日志查询与导出（安全审计员）：format=csv 或 jsonl 时导出全部匹配条目 / search or export the audit trail */
    get: {
      parameters: {
        query?: {
          /** @description 操作，如 record.view；record.* 为前缀匹配 */
          action?: string;
          /** @description 操作人，如 user:zhangsan；结尾 * 为前缀匹配 */
          actor?: string;
          cursor?: string;
          format?: 'json' | 'csv' | 'jsonl';
          /** @description 起始时间（含），ISO 8601 */
          from?: string;
          ip?: string;
          limit?: number;
          /** @description ok | denied | failed */
          outcome?: string;
          /** @description 在详情中查找的文字 */
          q?: string;
          /** @description 档案 id */
          record?: string;
          /** @description 截止时间（不含），ISO 8601 */
          to?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                action: string;
                actor: string;
                at: string;
                details: {
                  [key: string]: unknown;
                };
                id: string;
                ip: string | null;
                ledgerSeq: string | null;
                outcome: string;
                recordId: string | null;
              }[];
              nextCursor: string | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 登录：成功后设置会话 Cookie（HttpOnly）与 CSRF Cookie，并返回会话令牌；启用动态口令的账户须带 otp */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description 验证器中的 6 位动态口令（RFC 6238） */
            otp?: string;
            password: string;
            username: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              csrfToken: string;
              expiresAt: string;
              token: string;
              user: {
                clearance: string;
                createdAt: string;
                disabled: boolean;
                displayName: string;
                id: string;
                lastLoginAt: string | null;
                mustChangePassword: boolean;
                organisationId: string;
                roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
                totpEnabled: boolean;
                username: string;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 退出登录（注销当前会话） */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 当前用户 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description 本人角色授予的操作，供界面决定显示哪些功能 */
              actions: string[];
              clearance: string;
              createdAt: string;
              /** @description 使用会话 Cookie 时，写操作须在 X-CSRF-Token 头中带上它 */
              csrfToken?: string;
              disabled: boolean;
              displayName: string;
              id: string;
              lastLoginAt: string | null;
              mustChangePassword: boolean;
              organisationId: string;
              organisationName: string;
              roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
              totpEnabled: boolean;
              username: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 修改密码（首次登录必须修改一次性密码） */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            currentPassword: string;
            newPassword: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 本人在用的会话和 API 令牌 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                createdAt: string;
                current: boolean;
                expiresAt: string | null;
                id: string;
                ip: string | null;
                /** @enum {string} */
                kind: 'session' | 'token';
                lastUsedAt: string | null;
                name: string | null;
                userAgent: string | null;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** 注销本人的一个会话或令牌（id 为 all 时注销全部） */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              revoked: number;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 为机器客户端创建 API 令牌（只显示一次） */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            days?: number;
            name: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              expiresAt: string | null;
              id: string;
              token: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/totp/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 停用第二因素（须密码与当前动态口令） */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code: string;
            password: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/totp/enable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 以验证器中的第一个动态口令确认并启用第二因素 */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/totp/setup': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 设置动态口令（第二因素）：须输入密码，返回密钥与 otpauth:// 地址（供验证器扫码） */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            password: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              secret: string;
              uri: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/categories': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 档案门类及其扩展著录项 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                code: string;
                extraFields: {
                  en: string;
                  name: string;
                  required?: boolean;
                  type: string;
                  zh: string;
                }[];
                id: string;
                nameEn: string;
                nameZh: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/categories/{category}/classes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 门类下的分类方案 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          category: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                code: string;
                id: string;
                name: string;
                parentId: string | null;
                path: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /** 在分类方案中新建类目 */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          category: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code: string;
            name: string;
            parent?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              id: string;
              name: string;
              parentId: string | null;
              path: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/classify/models': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 分类模型版本及其评估指标 / model versions with their evaluation figures */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              active: boolean;
              bytes: number;
              createdAt: string;
              createdBy: string;
              eval: {
                accuracy: number;
                macroF1: number;
                size: number;
              } | null;
              labels: string[];
              trainingSize: number;
              version: number;
            }[];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/classify/models/{version}/activate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 启用某一模型版本（回滚）/ make a version active (rollback) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          version: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/classify/review': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 待复核的分类建议（低于置信度阈值）/ the review queue */
    get: {
      parameters: {
        query?: {
          limit?: number;
          offset?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                archiveNo: string | null;
                classId: string | null;
                /** @description 校准后的置信度 0–1 */
                confidence: number | null;
                createdAt: string;
                fields: {
                  confidence: number;
                  end: number;
                  /**
                   * @description 字段：文号、题名、责任者、成文日期、信用代码…
                   * @enum {string}
                   */
                  field:
                    | 'docNumber'
                    | 'title'
                    | 'issuer'
                    | 'documentDate'
                    | 'date'
                    | 'recipients'
                    | 'secrecyMark'
                    | 'retentionMark'
                    | 'creditCode'
                    | 'projectCode'
                    | 'residentId'
                    | 'permitNumber'
                    | 'phone'
                    | 'amount'
                    | 'address';
                  raw?: string;
                  /** @description 在文本中的起始位置（UTF-16） */
                  start: number;
                  /** @description 校验位、日期等检查是否通过 */
                  valid: boolean;
                  /** @description 规范化的值（身份证号已脱敏） */
                  value: string;
                }[];
                /** @description 建议的分类（类目路径） */
                label: string | null;
                modelVersion: number | null;
                organisationId: string | null;
                recordId: string;
                /** @description 建议保管期限 */
                retentionCode: string | null;
                reviewedAt: string | null;
                reviewedBy: string | null;
                /** @enum {string} */
                status: 'review' | 'accepted' | 'confirmed' | 'corrected' | 'fields_only';
                title: string;
                /** @description 备选分类 */
                top: {
                  confidence: number;
                  label: string;
                }[];
                year: number | null;
              }[];
              total: number;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/classify/train': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 用档案库重新训练分类模型（后台任务）/ retrain from the archive in the background */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              jobId: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/fonds': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 全宗列表 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                archiveNoFormat: string;
                code: string;
                id: string;
                name: string;
                organisationId: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /** 新建全宗；archiveNoFormat 为档号格式模板 */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            archiveNoFormat?: string;
            code: string;
            name: string;
            organisation: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              archiveNoFormat: string;
              code: string;
              id: string;
              name: string;
              organisationId: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 密钥状态：各密级的密钥加密密钥版本与数据密钥数 / key status by secrecy level */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              blobs: {
                clear: number;
                destroyed: number;
                sealed: number;
              };
              cipher: string;
              /** @description 持有人保护的密级 / holder-protected levels */
              holderLevels: {
                /** @description 尚缺某持有人封装的文件数 / blobs a holder lacks a wrap for */
                blobsMissingWraps: number;
                /** @description 有有效证书的持有人数；0 表示新内容仅受 KEK 保护 / 0: KEK only */
                holders: number;
                level: string;
                protectedBlobs: number;
              }[];
              levels: {
                createdAt: string;
                dataKeys: number;
                keyRef: string;
                level: string;
                /** @enum {string} */
                state: 'active' | 'retired' | 'destroyed';
                store: string;
                version: number;
              }[];
              /** @description 新存文件是否加密 / whether new files are encrypted */
              sealing: boolean;
              /** @description 密钥库 file 或 pkcs11 */
              store: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/ca': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 证书颁发机构（系统 CA 与受信任的外部 CA） / certificate authorities */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              createdAt: string;
              fingerprint: string;
              id: string;
              /** @enum {string} */
              kind: 'system' | 'trusted';
              pem: string;
              state: string;
              subject: string;
            }[];
          };
        };
      };
    };
    put?: never;
    /** 建立系统 CA（私钥经密钥库密封） / create the system CA */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              createdAt: string;
              fingerprint: string;
              id: string;
              /** @enum {string} */
              kind: 'system' | 'trusted';
              pem: string;
              state: string;
              subject: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/ca/trusted': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 导入受信任的外部 CA 根证书 / import a trusted external CA */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            pem: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              createdAt: string;
              fingerprint: string;
              id: string;
              /** @enum {string} */
              kind: 'system' | 'trusted';
              pem: string;
              state: string;
              subject: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/certs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 持有人证书 / holder certificates */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              algorithm: string;
              fingerprint: string;
              id: string;
              notAfter: string;
              notBefore: string;
              /** @enum {string} */
              origin: 'issued' | 'imported';
              pem: string;
              revokedAt: string | null;
              revokeReason: string | null;
              /** @description 私钥是否以持有人口令密封保存在服务器 / private key sealed on the server */
              sealedKey: boolean;
              serial: string;
              /** @enum {string} */
              state: 'active' | 'revoked';
              subject: string;
              username: string;
            }[];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/certs/{id}/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 吊销证书，删除其全部封装 / revoke a certificate and delete its wraps */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            force?: boolean;
            reason?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              algorithm: string;
              fingerprint: string;
              id: string;
              notAfter: string;
              notBefore: string;
              /** @enum {string} */
              origin: 'issued' | 'imported';
              orphaned: number;
              pem: string;
              revokedAt: string | null;
              revokeReason: string | null;
              /** @description 私钥是否以持有人口令密封保存在服务器 / private key sealed on the server */
              sealedKey: boolean;
              serial: string;
              /** @enum {string} */
              state: 'active' | 'revoked';
              subject: string;
              username: string;
              wrapsRemoved: number;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/certs/import': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 导入外部签发的持有人证书（校验证书链、有效期、密钥用途） / import a holder certificate */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            pem: string;
            username: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              algorithm: string;
              fingerprint: string;
              id: string;
              notAfter: string;
              notBefore: string;
              /** @enum {string} */
              origin: 'issued' | 'imported';
              pem: string;
              revokedAt: string | null;
              revokeReason: string | null;
              /** @description 私钥是否以持有人口令密封保存在服务器 / private key sealed on the server */
              sealedKey: boolean;
              serial: string;
              /** @enum {string} */
              state: 'active' | 'revoked';
              subject: string;
              username: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/holders': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 各密级的授权持有人 / holders by level */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              activeCerts: number;
              grantedAt: string;
              grantedBy: string;
              level: string;
              username: string;
            }[];
          };
        };
      };
    };
    put?: never;
    /** 授权持有人 / make a user a holder of a level */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            level: string;
            username: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              activeCerts: number;
              grantedAt: string;
              grantedBy: string;
              level: string;
              username: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/holders/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 撤销持有人，删除其在该密级的全部封装 / revoke a holder */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            force?: boolean;
            level: string;
            username: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              orphaned: number;
              wrapsRemoved: number;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 我的持有人密钥与证书 / my holder keys */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              certs: {
                algorithm: string;
                fingerprint: string;
                id: string;
                notAfter: string;
                notBefore: string;
                /** @enum {string} */
                origin: 'issued' | 'imported';
                pem: string;
                revokedAt: string | null;
                revokeReason: string | null;
                /** @description 私钥是否以持有人口令密封保存在服务器 / private key sealed on the server */
                sealedKey: boolean;
                serial: string;
                /** @enum {string} */
                state: 'active' | 'revoked';
                subject: string;
                username: string;
              }[];
              levels: string[];
              unlocked: string[];
            };
          };
        };
      };
    };
    put?: never;
    /** 生成我的密钥对并由系统 CA 签发证书，或仅提交公钥 / create my key and certificate */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @enum {string} */
            algorithm?: 'ecdh-p256' | 'rsa-oaep-3072' | 'sm2';
            passphrase?: string;
            publicKeyPem?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              algorithm: string;
              fingerprint: string;
              id: string;
              notAfter: string;
              notBefore: string;
              /** @enum {string} */
              origin: 'issued' | 'imported';
              pem: string;
              revokedAt: string | null;
              revokeReason: string | null;
              /** @description 私钥是否以持有人口令密封保存在服务器 / private key sealed on the server */
              sealedKey: boolean;
              serial: string;
              /** @enum {string} */
              state: 'active' | 'revoked';
              subject: string;
              username: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/me/lock': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 锁定我的持有人密钥 / lock my holder keys */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              locked: boolean;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/me/share': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 为同密级尚无封装的其他持有人补发封装 / share my content with holders who lack a wrap */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              wrapsAdded: number;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/me/unlock': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 解锁我的持有人密钥（仅保存在内存中，限时） / unlock my holder keys for a while */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            minutes?: number;
            passphrase?: string;
            privateKeyPem?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              expiresAt: string;
              unlocked: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 轮换密钥加密密钥并重新封装数据密钥（不重新加密文件） / rotate KEKs, rewrap data keys */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            level?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              destroyedKeys: string[];
              fromVersion: number | null;
              level: string;
              rewrapped: number;
              toVersion: number;
            }[];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/keys/shred': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 密码学销毁：销毁档案内容的数据密钥，内容永久不可恢复 / crypto-shred a record */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description 档案 id 或档号 */
            record: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              destroyed: string[];
              recordId: string;
              removedClear: string[];
              shared: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/ledger/checkpoint': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 账本最新的已签名检查点 / latest signed checkpoint of the ledger */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description 被签名的检查点原文 / the exact signed text */
              body: string;
              /** @enum {string} */
              hashAlgorithm: 'sha256' | 'sm3';
              /** @enum {string} */
              keyAlgorithm: 'ed25519' | 'sm2';
              keyId: string;
              /** @description 签名公钥（SPKI PEM） */
              publicKey: string;
              /** @description 根哈希（十六进制） */
              rootHash: string;
              /** @description Ed25519 或 SM2（SM3，DER）签名（base64） */
              signature: string;
              time: string;
              treeSize: number;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/organisations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 机构树（按路径排序） */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                code: string;
                id: string;
                /** @enum {string} */
                level: 'city' | 'district' | 'street' | 'department';
                name: string;
                parentId: string | null;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /** 新建机构（市 → 区县 → 街道，部门可挂在任一级下） */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code: string;
            /** @enum {string} */
            level: 'city' | 'district' | 'street' | 'department';
            name: string;
            parent?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              id: string;
              /** @enum {string} */
              level: 'city' | 'district' | 'street' | 'department';
              name: string;
              parentId: string | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 档案列表（只含当前用户有权查看的档案，总数亦然） */
    get: {
      parameters: {
        query?: {
          category?: string;
          cursor?: string;
          fonds?: string;
          level?: string;
          limit?: number;
          organisation?: string;
          status?: 'draft' | 'filed';
          year?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description 其中待归档与已归档的件数（同样的筛选条件，只含可见档案） */
              byStatus: {
                draft: number;
                filed: number;
              };
              items: {
                /** @description 档号 */
                archiveNo: string | null;
                /** @description 门类代码 */
                category: string;
                categoryName: string;
                class: string | null;
                components?: {
                  createdAt: string;
                  /** @description 上传时的原始文件名（仅作著录，不用作存储路径） */
                  fileName: string;
                  format: string;
                  id: string;
                  mediaType: string;
                  pageCount: number | null;
                  /** @description original 原件；text 提取文本；ocr_text、searchable_pdf、table_xlsx 等派生文件 */
                  role: string;
                  sha256: string;
                  size: number;
                  sm3: string;
                  /** @description 派生文件的来源组件 */
                  sourceId: string | null;
                }[];
                createdAt: string;
                createdBy: string;
                /** @description 文号 */
                docNumber: string | null;
                extra: {
                  [key: string]: unknown;
                };
                filedAt: string | null;
                filedBy: string | null;
                /** @description 全宗号 */
                fonds: string;
                /** @description 形成日期 */
                formedOn: string | null;
                id: string;
                /** @description 件号 */
                itemNo: number | null;
                keywords: string[];
                /** @description 密级 */
                level: string;
                /** @description 附注 */
                notes: string | null;
                /** @description 机构（问题）代码 */
                organisation: string;
                organisationName: string;
                /** @description 页数 */
                pageCount: number | null;
                /** @description 责任者 */
                responsible: string | null;
                /** @description 保管期限 */
                retention: string | null;
                /**
                 * @description draft 待归档；filed 已归档
                 * @enum {string}
                 */
                status: 'draft' | 'filed';
                /** @description 题名 */
                title: string;
                updatedAt: string;
                version: number;
                /** @description 年度 */
                year: number | null;
              }[];
              nextCursor: string | null;
              total: number;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * 上传文件并建立档案（multipart：可选字段 metadata 为 JSON 著录项，须在 file 之前；file 为文件）
     * @description 类型由内容判定（PDF、OFD、TIFF、JPEG、PNG、DOCX、XLSX、TXT、MD）。同一文件已存在时返回 200 与 status=duplicate。查询参数 file=true 时立即归档。
     */
    post: {
      parameters: {
        query?: {
          file?: 'true' | 'false';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              existing: {
                archiveNo: string | null;
                id: string;
                title: string;
              };
              /** @enum {string} */
              status: 'duplicate';
            };
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              archiveNo: string | null;
              filingError?: {
                code: string;
                message: string;
              };
              nameMismatch: boolean;
              record: {
                /** @description 档号 */
                archiveNo: string | null;
                /** @description 门类代码 */
                category: string;
                categoryName: string;
                class: string | null;
                components?: {
                  createdAt: string;
                  /** @description 上传时的原始文件名（仅作著录，不用作存储路径） */
                  fileName: string;
                  format: string;
                  id: string;
                  mediaType: string;
                  pageCount: number | null;
                  /** @description original 原件；text 提取文本；ocr_text、searchable_pdf、table_xlsx 等派生文件 */
                  role: string;
                  sha256: string;
                  size: number;
                  sm3: string;
                  /** @description 派生文件的来源组件 */
                  sourceId: string | null;
                }[];
                createdAt: string;
                createdBy: string;
                /** @description 文号 */
                docNumber: string | null;
                extra: {
                  [key: string]: unknown;
                };
                filedAt: string | null;
                filedBy: string | null;
                /** @description 全宗号 */
                fonds: string;
                /** @description 形成日期 */
                formedOn: string | null;
                id: string;
                /** @description 件号 */
                itemNo: number | null;
                keywords: string[];
                /** @description 密级 */
                level: string;
                /** @description 附注 */
                notes: string | null;
                /** @description 机构（问题）代码 */
                organisation: string;
                organisationName: string;
                /** @description 页数 */
                pageCount: number | null;
                /** @description 责任者 */
                responsible: string | null;
                /** @description 保管期限 */
                retention: string | null;
                /**
                 * @description draft 待归档；filed 已归档
                 * @enum {string}
                 */
                status: 'draft' | 'filed';
                /** @description 题名 */
                title: string;
                updatedAt: string;
                version: number;
                /** @description 年度 */
                year: number | null;
              };
              /** Format: uuid */
              recordId: string;
              /** @enum {string} */
              status: 'created';
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 档案详情（含文件） */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description 档案 id 或档号 */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description 档号 */
              archiveNo: string | null;
              /** @description 门类代码 */
              category: string;
              categoryName: string;
              class: string | null;
              components?: {
                createdAt: string;
                /** @description 上传时的原始文件名（仅作著录，不用作存储路径） */
                fileName: string;
                format: string;
                id: string;
                mediaType: string;
                pageCount: number | null;
                /** @description original 原件；text 提取文本；ocr_text、searchable_pdf、table_xlsx 等派生文件 */
                role: string;
                sha256: string;
                size: number;
                sm3: string;
                /** @description 派生文件的来源组件 */
                sourceId: string | null;
              }[];
              createdAt: string;
              createdBy: string;
              /** @description 文号 */
              docNumber: string | null;
              extra: {
                [key: string]: unknown;
              };
              filedAt: string | null;
              filedBy: string | null;
              /** @description 全宗号 */
              fonds: string;
              /** @description 形成日期 */
              formedOn: string | null;
              id: string;
              /** @description 件号 */
              itemNo: number | null;
              keywords: string[];
              /** @description 密级 */
              level: string;
              /** @description 附注 */
              notes: string | null;
              /** @description 机构（问题）代码 */
              organisation: string;
              organisationName: string;
              /** @description 页数 */
              pageCount: number | null;
              /** @description 责任者 */
              responsible: string | null;
              /** @description 保管期限 */
              retention: string | null;
              /**
               * @description draft 待归档；filed 已归档
               * @enum {string}
               */
              status: 'draft' | 'filed';
              /** @description 题名 */
              title: string;
              updatedAt: string;
              version: number;
              /** @description 年度 */
              year: number | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** 修改著录项；已归档档案的档号组成项不可修改 */
    patch: {
      parameters: {
        query?: never;
        header?: {
          'if-match'?: string;
        };
        path: {
          /** @description 档案 id 或档号 */
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description 门类代码（WS、JJ、KJ、ZP、SP …）或 id */
            category?: string;
            /** @description 分类方案中的类目代码或 id */
            class?: string;
            /** @description 文号，如 呼审批发〔2024〕17号 */
            docNumber?: string;
            /** @description 门类的扩展著录项 */
            extra?: {
              [key: string]: string | number | boolean | null;
            };
            /** @description 全宗号或 id */
            fonds?: string;
            /**
             * Format: date
             * @description 形成日期 YYYY-MM-DD
             */
            formedOn?: string;
            /** @description 关键词 */
            keywords?: string[];
            /** @description 密级代码，如 public / internal / sensitive */
            level?: string;
            /** @description 附注 */
            notes?: string;
            /** @description 机构（问题）：代码或 id */
            organisation?: string;
            /** @description 页数 */
            pageCount?: number;
            /** @description 责任者 */
            responsible?: string;
            /**
             * @description 保管期限：Y 永久、D30 定期30年、D10 定期10年
             * @enum {string}
             */
            retention?: 'Y' | 'D30' | 'D10';
            /** @description 题名 */
            title?: string;
            /** @description 年度（缺省取形成日期的年份） */
            year?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description 档号 */
              archiveNo: string | null;
              /** @description 门类代码 */
              category: string;
              categoryName: string;
              class: string | null;
              components?: {
                createdAt: string;
                /** @description 上传时的原始文件名（仅作著录，不用作存储路径） */
                fileName: string;
                format: string;
                id: string;
                mediaType: string;
                pageCount: number | null;
                /** @description original 原件；text 提取文本；ocr_text、searchable_pdf、table_xlsx 等派生文件 */
                role: string;
                sha256: string;
                size: number;
                sm3: string;
                /** @description 派生文件的来源组件 */
                sourceId: string | null;
              }[];
              createdAt: string;
              createdBy: string;
              /** @description 文号 */
              docNumber: string | null;
              extra: {
                [key: string]: unknown;
              };
              filedAt: string | null;
              filedBy: string | null;
              /** @description 全宗号 */
              fonds: string;
              /** @description 形成日期 */
              formedOn: string | null;
              id: string;
              /** @description 件号 */
              itemNo: number | null;
              keywords: string[];
              /** @description 密级 */
              level: string;
              /** @description 附注 */
              notes: string | null;
              /** @description 机构（问题）代码 */
              organisation: string;
              organisationName: string;
              /** @description 页数 */
              pageCount: number | null;
              /** @description 责任者 */
              responsible: string | null;
              /** @description 保管期限 */
              retention: string | null;
              /**
               * @description draft 待归档；filed 已归档
               * @enum {string}
               */
              status: 'draft' | 'filed';
              /** @description 题名 */
              title: string;
              updatedAt: string;
              version: number;
              /** @description 年度 */
              year: number | null;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/v1/records/{id}/components/{componentId}/content': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 下载文件（支持 HTTP Range 断点续传）；componentId 可用 original 表示原件 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          componentId: string;
          /** @description 档案 id 或档号 */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 档案的事件记录（版本、归档、查看、下载），最新在前；只对有权查看该档案的用户开放 */
    get: {
      parameters: {
        query?: {
          limit?: number;
        };
        header?: never;
        path: {
          /** @description 档案 id 或档号 */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                /** @description 如 record.create、record.update、record.file、record.view */
                action: string;
                /** @description 操作者，如 user:zhangsan */
                actor: string;
                at: string;
                details: {
                  [key: string]: unknown;
                };
                outcome: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}/file': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 归档：分配档号 */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description 档案 id 或档号 */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description 档号 */
              archiveNo: string | null;
              /** @description 门类代码 */
              category: string;
              categoryName: string;
              class: string | null;
              components?: {
                createdAt: string;
                /** @description 上传时的原始文件名（仅作著录，不用作存储路径） */
                fileName: string;
                format: string;
                id: string;
                mediaType: string;
                pageCount: number | null;
                /** @description original 原件；text 提取文本；ocr_text、searchable_pdf、table_xlsx 等派生文件 */
                role: string;
                sha256: string;
                size: number;
                sm3: string;
                /** @description 派生文件的来源组件 */
                sourceId: string | null;
              }[];
              createdAt: string;
              createdBy: string;
              /** @description 文号 */
              docNumber: string | null;
              extra: {
                [key: string]: unknown;
              };
              filedAt: string | null;
              filedBy: string | null;
              /** @description 全宗号 */
              fonds: string;
              /** @description 形成日期 */
              formedOn: string | null;
              id: string;
              /** @description 件号 */
              itemNo: number | null;
              keywords: string[];
              /** @description 密级 */
              level: string;
              /** @description 附注 */
              notes: string | null;
              /** @description 机构（问题）代码 */
              organisation: string;
              organisationName: string;
              /** @description 页数 */
              pageCount: number | null;
              /** @description 责任者 */
              responsible: string | null;
              /** @description 保管期限 */
              retention: string | null;
              /**
               * @description draft 待归档；filed 已归档
               * @enum {string}
               */
              status: 'draft' | 'filed';
              /** @description 题名 */
              title: string;
              updatedAt: string;
              version: number;
              /** @description 年度 */
              year: number | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}/ocr/pages/{page}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** 保存一页的校对结果（逐行文字，行数须与识别结果相同）：作为 OCR 文本与版面的新版本保存，原识别结果保留；未改动即记为“已核对”。权限同修改著录项 */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description 档案 id 或档号 */
          id: string;
          /** @description 页码，从 1 开始 */
          page: number;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /**
             * Format: uuid
             * @description 校对所依据的版面文件 id；已有更新版本时返回 409
             */
            base?: string;
            lines: string[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description 改动的行（从 0 开始） */
              changed: number[];
              layoutId: string;
              page: number;
              textId: string;
              /** @description 版本号：识别结果为 1 */
              version: number;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}/ocr/pages/{page}/image': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 原件第 N 页的 PNG 图像（PDF、多页 TIFF、PNG、JPEG；长边不超过 2000 像素）；按密级加水印，记为一次下载 */
    get: {
      parameters: {
        query?: {
          purpose?: string;
        };
        header?: never;
        path: {
          /** @description 档案 id 或档号 */
          id: string;
          /** @description 页码，从 1 开始 */
          page: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}/proof': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 档案的证明包：其事件、包含证明、签名检查点与公钥（可离线验证） */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description 档案 id 或档号 */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              checkpoint: {
                /** @description 被签名的检查点原文 / the exact signed text */
                body: string;
                /** @enum {string} */
                hashAlgorithm: 'sha256' | 'sm3';
                /** @enum {string} */
                keyAlgorithm: 'ed25519' | 'sm2';
                keyId: string;
                /** @description 签名公钥（SPKI PEM） */
                publicKey: string;
                /** @description 根哈希（十六进制） */
                rootHash: string;
                /** @description Ed25519 或 SM2（SM3，DER）签名（base64） */
                signature: string;
                time: string;
                treeSize: number;
              };
              createdAt: string;
              entries: {
                /** @description 规范化条目字节（base64） */
                entry: string;
                /** @description RFC 9162 包含证明（十六进制哈希） */
                proof: string[];
                seq: number;
              }[];
              /** @enum {string} */
              format: 'dangan-ledger-proof/v1';
              /** @enum {string} */
              hashAlgorithm: 'sha256' | 'sm3';
              record: {
                archiveNo: string | null;
                id: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}/related': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 关联档案：同一项目、企业、申请人或办件，并按审批链标出上下游（只含有权查看的档案） */
    get: {
      parameters: {
        query?: {
          limit?: number;
        };
        header?: never;
        path: {
          /** @description 档案 id 或档号 */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              chain: {
                name: string;
                steps: string[];
              } | null;
              record: {
                archiveNo: string | null;
                chain: string | null;
                id: string;
                step: string | null;
                title: string;
              };
              related: {
                archiveNo: string | null;
                direction: ('upstream' | 'downstream' | 'same-step') | null;
                formedOn: string | null;
                id: string;
                linkNames: string[];
                /** @description project / enterprise / applicant / case */
                links: string[];
                step: string | null;
                title: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}/similar': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 相似档案（"更多类似"），只含当前用户有权查看的档案 */
    get: {
      parameters: {
        query?: {
          limit?: number;
        };
        header?: never;
        path: {
          /** @description 档案 id 或档号 */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              facets: {
                category: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                fonds: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                level: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                matterType: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                organisation: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                retention: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                year: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
              };
              hits: {
                archiveNo: string | null;
                exact: boolean;
                id: string;
                /** @description 第一页首条命中处于审批链时：链上同一项目的上下游档案 */
                related?: {
                  chain: string;
                  records: {
                    archiveNo: string | null;
                    direction: ('upstream' | 'downstream' | 'same-step') | null;
                    formedOn: string | null;
                    id: string;
                    linkNames: string[];
                    /** @description project / enterprise / applicant / case */
                    links: string[];
                    step: string | null;
                    title: string;
                  }[];
                  step: string | null;
                  steps: string[];
                };
                score: number;
                /** @description HTML 转义的摘要，命中处以 <mark> 标出 */
                snippet: string;
                title: string;
              }[];
              /** @description 命中总数（按相关度最高的 500 条计数，超出时 totalExact 为 false） */
              total: number;
              totalExact: boolean;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}/suggestions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 档案的著录建议与分类建议 / extracted fields and classification of a record */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description 档案 id */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              archiveNo: string | null;
              classId: string | null;
              /** @description 校准后的置信度 0–1 */
              confidence: number | null;
              createdAt: string;
              fields: {
                confidence: number;
                end: number;
                /**
                 * @description 字段：文号、题名、责任者、成文日期、信用代码…
                 * @enum {string}
                 */
                field:
                  | 'docNumber'
                  | 'title'
                  | 'issuer'
                  | 'documentDate'
                  | 'date'
                  | 'recipients'
                  | 'secrecyMark'
                  | 'retentionMark'
                  | 'creditCode'
                  | 'projectCode'
                  | 'residentId'
                  | 'permitNumber'
                  | 'phone'
                  | 'amount'
                  | 'address';
                raw?: string;
                /** @description 在文本中的起始位置（UTF-16） */
                start: number;
                /** @description 校验位、日期等检查是否通过 */
                valid: boolean;
                /** @description 规范化的值（身份证号已脱敏） */
                value: string;
              }[];
              /** @description 建议的分类（类目路径） */
              label: string | null;
              modelVersion: number | null;
              organisationId: string | null;
              recordId: string;
              /** @description 建议保管期限 */
              retentionCode: string | null;
              reviewedAt: string | null;
              reviewedBy: string | null;
              /** @enum {string} */
              status: 'review' | 'accepted' | 'confirmed' | 'corrected' | 'fields_only';
              title: string;
              /** @description 备选分类 */
              top: {
                confidence: number;
                label: string;
              }[];
              year: number | null;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/records/{id}/suggestions/review': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 确认或更正分类（记为训练样本）/ confirm or correct the class (kept as a training example) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description 档案 id */
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description 更正后的分类；省略则确认建议 */
            label?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              archiveNo: string | null;
              classId: string | null;
              /** @description 校准后的置信度 0–1 */
              confidence: number | null;
              createdAt: string;
              fields: {
                confidence: number;
                end: number;
                /**
                 * @description 字段：文号、题名、责任者、成文日期、信用代码…
                 * @enum {string}
                 */
                field:
                  | 'docNumber'
                  | 'title'
                  | 'issuer'
                  | 'documentDate'
                  | 'date'
                  | 'recipients'
                  | 'secrecyMark'
                  | 'retentionMark'
                  | 'creditCode'
                  | 'projectCode'
                  | 'residentId'
                  | 'permitNumber'
                  | 'phone'
                  | 'amount'
                  | 'address';
                raw?: string;
                /** @description 在文本中的起始位置（UTF-16） */
                start: number;
                /** @description 校验位、日期等检查是否通过 */
                valid: boolean;
                /** @description 规范化的值（身份证号已脱敏） */
                value: string;
              }[];
              /** @description 建议的分类（类目路径） */
              label: string | null;
              modelVersion: number | null;
              organisationId: string | null;
              recordId: string;
              /** @description 建议保管期限 */
              retentionCode: string | null;
              reviewedAt: string | null;
              reviewedBy: string | null;
              /** @enum {string} */
              status: 'review' | 'accepted' | 'confirmed' | 'corrected' | 'fields_only';
              title: string;
              /** @description 备选分类 */
              top: {
                confidence: number;
                label: string;
              }[];
              year: number | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/search': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 检索档案（结果、总数与分面只含当前用户有权查看的档案） */
    get: {
      parameters: {
        query: {
          /** @description 门类代码 */
          category?: string;
          /** @description false：只要本页结果（更快）：不计分面，总数只数到本页（totalExact 为 false 时更多）；按日期排序时不影响 */
          facets?: 'true' | 'false';
          /** @description 全宗号 */
          fonds?: string;
          /** @description 密级代码 */
          level?: string;
          limit?: number;
          /** @description 事项类型 */
          matterType?: string;
          offset?: number;
          /** @description 机构代码（含下级） */
          organisation?: string;
          /** @description 查询：档号、文号、关键词、拼音或短语（引号）；-词 或 NOT 词 排除；年份优先该年，年月或日期优先该月、该日 */
          q: string;
          /** @description 保管期限代码 */
          retention?: string;
          sort?: 'relevance' | 'date';
          /** @description draft 或 filed */
          status?: string;
          /** @description 年度，或范围 2019-2024 */
          year?: string;
          yearFrom?: string;
          yearTo?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              facets: {
                category: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                fonds: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                level: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                matterType: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                organisation: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                retention: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
                year: {
                  count: number;
                  label?: string;
                  value: string;
                }[];
              };
              hits: {
                archiveNo: string | null;
                exact: boolean;
                id: string;
                /** @description 第一页首条命中处于审批链时：链上同一项目的上下游档案 */
                related?: {
                  chain: string;
                  records: {
                    archiveNo: string | null;
                    direction: ('upstream' | 'downstream' | 'same-step') | null;
                    formedOn: string | null;
                    id: string;
                    linkNames: string[];
                    /** @description project / enterprise / applicant / case */
                    links: string[];
                    step: string | null;
                    title: string;
                  }[];
                  step: string | null;
                  steps: string[];
                };
                score: number;
                /** @description HTML 转义的摘要，命中处以 <mark> 标出 */
                snippet: string;
                title: string;
              }[];
              /** @description 命中总数（按相关度最高的 500 条计数，超出时 totalExact 为 false） */
              total: number;
              totalExact: boolean;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/search/dictionaries/chains': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 审批链：本单位的审批链（同名覆盖内置链）与内置审批链 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              builtin: {
                name: string;
                steps: {
                  match: string[];
                  name: string;
                }[];
              }[];
              own: {
                name: string;
                steps: {
                  match: string[];
                  name: string;
                }[];
              }[];
              /** @description 文件内容的 SHA-256；空串表示尚无本单位文件 */
              version: string;
            };
          };
        };
      };
    };
    /** 替换本单位的审批链（每条链至少两步，每步至少一个匹配词）；关联检索即时采用 */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description 编辑所依据的版本（读取时的 version）；文件已被他人修改时返回 409 */
            base?: string;
            chains: {
              name: string;
              steps: {
                match: string[];
                name: string;
              }[];
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              chains: number;
              /** @description 文件内容的 SHA-256；空串表示尚无本单位文件 */
              version: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/search/dictionaries/synonyms': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 同义词词典：本单位增补的同义词（每行一组）与内置词典 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              builtin: string;
              own: string;
              /** @description 文件内容的 SHA-256；空串表示尚无本单位文件 */
              version: string;
            };
          };
        };
      };
    };
    /** 替换本单位的同义词词典（每行一组，组内以空格或逗号分隔，# 后为注释）；下一次检索即生效 */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description 编辑所依据的版本（读取时的 version）；文件已被他人修改时返回 409 */
            base?: string;
            text: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              groups: number;
              /** @description 文件内容的 SHA-256；空串表示尚无本单位文件 */
              version: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/search/rebuild': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 检索索引重建的进度与上次结果 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              last: {
                error: string | null;
                finishedAt: string;
                ms: number;
                records: number;
                /** @description 重建期间变更、重建后补入的档案数 */
                replayed: number;
              } | null;
              /** @description 重建中已读入的档案数 */
              records: number;
              running: boolean;
              startedAt: string | null;
            };
          };
        };
      };
    };
    put?: never;
    /** 由数据库重建检索索引（后台进行，期间检索照常；一次只进行一个） */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              last: {
                error: string | null;
                finishedAt: string;
                ms: number;
                records: number;
                /** @description 重建期间变更、重建后补入的档案数 */
                replayed: number;
              } | null;
              /** @description 重建中已读入的档案数 */
              records: number;
              running: boolean;
              startedAt: string | null;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/shares': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 跨机构授权列表（安全保密管理员、系统管理员可查看） */
    get: {
      parameters: {
        query?: {
          history?: 'true' | 'false';
          username?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                createdAt: string;
                expiresAt: string | null;
                grantedBy: string;
                id: string;
                organisationCode: string;
                organisationId: string;
                organisationName: string;
                reason: string | null;
                revokedAt: string | null;
                username: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /** 将某机构（含下级）的档案授权给用户查阅，仍受其密级限制（安全保密管理员） */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            days?: number;
            organisation: string;
            reason?: string;
            username: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              createdAt: string;
              expiresAt: string | null;
              grantedBy: string;
              id: string;
              organisationCode: string;
              organisationId: string;
              organisationName: string;
              reason: string | null;
              revokedAt: string | null;
              username: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/shares/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** 撤销跨机构授权（安全保密管理员） */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/system/status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 系统状态：数据库、存储卷、任务队列 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              blobs: {
                bytes: number;
                count: number;
                storedBytes: number;
              };
              /** @enum {string} */
              database: 'pglite' | 'postgres';
              /** @description 后台任务数：queued 排队、running 运行中、failed 失败、doneLastDay 24 小时内完成（为 0 的不列出） */
              jobs: {
                [key: string]: number;
              };
              records: {
                draft: number;
                filed: number;
              };
              /** @description 检索索引健康状况 */
              search: {
                /** @description 检索索引文件夹的大小 */
                indexBytes: number;
                /** @description 最早一项待同步任务已等待的秒数 */
                oldestPendingSeconds: number | null;
                /** @description 等待写入检索索引的档案数（变更队列） */
                pending: number;
              };
              volumes: string[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 用户列表 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                clearance: string;
                createdAt: string;
                disabled: boolean;
                displayName: string;
                id: string;
                lastLoginAt: string | null;
                mustChangePassword: boolean;
                organisationId: string;
                roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
                totpEnabled: boolean;
                username: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    /** 新建用户：返回一次性密码，首次登录须修改 */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            clearance: string;
            displayName?: string;
            organisation: string;
            roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
            username: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              oneTimePassword: string;
              user: {
                clearance: string;
                createdAt: string;
                disabled: boolean;
                displayName: string;
                id: string;
                lastLoginAt: string | null;
                mustChangePassword: boolean;
                organisationId: string;
                roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
                totpEnabled: boolean;
                username: string;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{username}/clearance': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** 设置用户可查阅的最高密级（安全保密管理员） */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          username: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            clearance: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              clearance: string;
              createdAt: string;
              disabled: boolean;
              displayName: string;
              id: string;
              lastLoginAt: string | null;
              mustChangePassword: boolean;
              organisationId: string;
              roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
              totpEnabled: boolean;
              username: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{username}/disabled': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** 停用或启用账户；停用立即注销其全部会话和令牌（系统管理员） */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          username: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            disabled: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              clearance: string;
              createdAt: string;
              disabled: boolean;
              displayName: string;
              id: string;
              lastLoginAt: string | null;
              mustChangePassword: boolean;
              organisationId: string;
              roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
              totpEnabled: boolean;
              username: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{username}/organisation': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** 调整用户所属机构，即其本机构查阅范围（系统管理员） */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          username: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            organisation: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              clearance: string;
              createdAt: string;
              disabled: boolean;
              displayName: string;
              id: string;
              lastLoginAt: string | null;
              mustChangePassword: boolean;
              organisationId: string;
              roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
              totpEnabled: boolean;
              username: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{username}/reset-password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 重置密码：返回新的一次性密码，并注销该用户的全部会话 */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          username: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              oneTimePassword: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{username}/roles': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** 设置用户角色（系统管理员；三员角色不得与其他角色兼任） */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          username: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            roles: string[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              clearance: string;
              createdAt: string;
              disabled: boolean;
              displayName: string;
              id: string;
              lastLoginAt: string | null;
              mustChangePassword: boolean;
              organisationId: string;
              roles: ('admin' | 'security' | 'auditor' | 'archivist' | 'officer' | 'reader')[];
              totpEnabled: boolean;
              username: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{username}/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 某用户在用的会话和令牌（系统管理员、安全保密管理员） */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          username: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              items: {
                createdAt: string;
                current: boolean;
                expiresAt: string | null;
                id: string;
                ip: string | null;
                /** @enum {string} */
                kind: 'session' | 'token';
                lastUsedAt: string | null;
                name: string | null;
                userAgent: string | null;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{username}/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** 注销某用户的一个会话或令牌，id 为 all 时全部注销（系统管理员、安全保密管理员） */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          username: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              revoked: number;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/vocabularies': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 密级与保管期限 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              retentionPeriods: {
                code: string;
                en: string;
                years: number | null;
                zh: string;
              }[];
              secrecyLevels: {
                code: string;
                en: string;
                rank: number;
                zh: string;
              }[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/healthz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 进程存活 */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'ok';
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/readyz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** 可以提供服务（数据库可用） */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'ready';
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'unavailable';
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: never;
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
