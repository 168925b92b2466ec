// 由 scripts/web-api.ts 从 OpenAPI 文档生成，请勿手改 / generated from the OpenAPI document by
// scripts/web-api.ts (npm run web:api); do not edit by hand.
export interface paths {
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** 登录：成功后设置会话 Cookie，并返回会话令牌 */
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
                roles: ('admin' | 'archivist' | 'officer' | 'reader')[];
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
    /** 退出登录 */
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
              clearance: string;
              createdAt: string;
              disabled: boolean;
              displayName: string;
              id: string;
              lastLoginAt: string | null;
              mustChangePassword: boolean;
              organisationId: string;
              organisationName: string;
              roles: ('admin' | 'archivist' | 'officer' | 'reader')[];
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
              keyAlgorithm: 'ed25519';
              keyId: string;
              /** @description 签名公钥（SPKI PEM） */
              publicKey: string;
              /** @description 根哈希（十六进制） */
              rootHash: string;
              /** @description Ed25519 签名（base64） */
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
                keyAlgorithm: 'ed25519';
                keyId: string;
                /** @description 签名公钥（SPKI PEM） */
                publicKey: string;
                /** @description 根哈希（十六进制） */
                rootHash: string;
                /** @description Ed25519 签名（base64） */
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
          /** @description 查询：档号、文号、关键词、拼音或短语（引号） */
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
              jobs: {
                [key: string]: number;
              };
              records: {
                draft: number;
                filed: number;
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
                roles: ('admin' | 'archivist' | 'officer' | 'reader')[];
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
            roles: ('admin' | 'archivist' | 'officer' | 'reader')[];
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
                roles: ('admin' | 'archivist' | 'officer' | 'reader')[];
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
