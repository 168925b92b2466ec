/** A plain start page until the web UI lands: where things are, in Chinese first. */
export function homePage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>dangan 电子档案管理系统</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1f2328;line-height:1.7}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}h1{font-size:1.6rem}</style></head>
<body>
<h1>dangan 电子档案管理系统</h1>
<p>服务已启动。网页工作台正在建设中；现在可以通过命令行和 REST API 使用全部功能。</p>
<ul>
<li><a href="/api/docs">接口文档（OpenAPI 3.1）</a> · <a href="/api/openapi.json">openapi.json</a></li>
<li>登录：<code>POST /api/v1/auth/login</code>，首次启动时日志中会打印管理员的一次性密码。</li>
<li>健康检查：<a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></li>
</ul>
<p lang="en">dangan electronic archive system is running. The web workbench is under construction; use the CLI and the REST API (see the API docs).</p>
</body></html>`;
}
