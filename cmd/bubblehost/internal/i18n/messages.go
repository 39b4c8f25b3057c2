package i18n

// Message ids. The names group the messages by the command or package that
// shows them.
const (
	UsageMain    ID = "usage.main"
	UsageServe   ID = "usage.serve"
	UsageDemo    ID = "usage.demo"
	UsageBuild   ID = "usage.build"
	UsageSign    ID = "usage.sign"
	UsageSend    ID = "usage.send"
	UsageVersion ID = "usage.version"
	UsageHelp    ID = "usage.help"
	FlagsHeader  ID = "usage.flags_header"
	FlagDefault  ID = "usage.flag_default"

	FlagConfig     ID = "flag.config"
	FlagListen     ID = "flag.listen"
	FlagDataDir    ID = "flag.data_dir"
	FlagLogLevel   ID = "flag.log_level"
	FlagLogFormat  ID = "flag.log_format"
	FlagDemoListen ID = "flag.demo_listen"
	FlagDemoData   ID = "flag.demo_data_dir"
	FlagDemoSim    ID = "flag.demo_sim"
	DemoIntroSim   ID = "demo.intro_sim"
	FlagExamples   ID = "flag.examples"
	FlagOutput     ID = "flag.output"
	FlagSecret     ID = "flag.secret"
	FlagSecretFile ID = "flag.secret_file"
	FlagSendSecret ID = "flag.send_secret"
	FlagUnsigned   ID = "flag.unsigned"
	FlagURL        ID = "flag.url"
	FlagFile       ID = "flag.file"
	FlagType       ID = "flag.type"
	FlagContent    ID = "flag.content"
	FlagChannel    ID = "flag.channel"
	FlagGuild      ID = "flag.guild"
	FlagAuthor     ID = "flag.author"
	FlagTimeout    ID = "flag.timeout"
	FlagHelp       ID = "flag.help"

	ErrUnknownCommand ID = "err.unknown_command"
	ErrInvalidFlags   ID = "err.invalid_flags"
	ErrTooManyArgs    ID = "err.too_many_args"
	ErrMissingArg     ID = "err.missing_arg"
	ErrReadInput      ID = "err.read_input"

	BuildNoGo      ID = "build.no_go"
	BuildNotFound  ID = "build.not_found"
	BuildNotDir    ID = "build.not_dir"
	BuildNoPackage ID = "build.no_package"
	BuildFailed    ID = "build.failed"
	BuildWrote     ID = "build.wrote"

	SecretMissing       ID = "secret.missing"
	SecretConflict      ID = "secret.conflict"
	SecretReadFile      ID = "secret.read_file"
	SecretFileEmpty     ID = "secret.file_empty"
	SendUnsignedSecret  ID = "send.unsigned_secret"
	SendFileAndPatch    ID = "send.file_and_patch"
	SendUnknownType     ID = "send.unknown_type"
	SendFieldMissing    ID = "send.field_missing"
	SendNoEventType     ID = "send.no_event_type"
	SendBadURL          ID = "send.bad_url"
	SendBadTimeout      ID = "send.bad_timeout"
	SendConnectFailed   ID = "send.connect_failed"
	SendTimedOut        ID = "send.timed_out"
	SendNotSuccessful   ID = "send.not_successful"
	SendInvalidResponse ID = "send.invalid_response"

	DemoNoRepository ID = "demo.no_repository"
	DemoNoExamples   ID = "demo.no_examples"
	DemoBuilding     ID = "demo.building"
	DemoIntro        ID = "demo.intro"

	ServeFailed ID = "serve.failed"

	CfgHeader            ID = "config.header"
	CfgSourceEnv         ID = "config.source_env"
	CfgSourceFlag        ID = "config.source_flag"
	CfgSourceDefault     ID = "config.source_default"
	CfgHidden            ID = "config.hidden"
	CfgReadFile          ID = "config.read_file"
	CfgParseFile         ID = "config.parse_file"
	CfgUnknownKey        ID = "config.unknown_key"
	CfgUnknownKeySuggest ID = "config.unknown_key_suggest"
	CfgWrongType         ID = "config.wrong_type"
	CfgBadInteger        ID = "config.bad_integer"
	CfgNegative          ID = "config.negative"
	CfgBadDuration       ID = "config.bad_duration"
	CfgBadDurationOrOff  ID = "config.bad_duration_or_off"
	CfgNegativeDuration  ID = "config.negative_duration"
	CfgBadSize           ID = "config.bad_size"
	CfgSizeTooLarge      ID = "config.size_too_large"
	CfgBadEnum           ID = "config.bad_enum"
	CfgBadURL            ID = "config.bad_url"
	CfgBadAddress        ID = "config.bad_address"
	CfgEmpty             ID = "config.empty"
	CfgEmptySecret       ID = "config.empty_secret"
	CfgBadTenantID       ID = "config.bad_tenant_id"
	CfgBadPluginName     ID = "config.bad_plugin_name"
	CfgNoTenants         ID = "config.no_tenants"
	CfgNoSecret          ID = "config.no_secret"
	CfgReadKeyFile       ID = "config.read_key_file"
	CfgFileNoSecret      ID = "config.file_no_secret"
	CfgFileEmptyToken    ID = "config.file_empty_token"
	CfgConflict          ID = "config.conflict"
	CfgBadJSON           ID = "config.bad_json"
	CfgBadEnvValue       ID = "config.bad_env_value"

	TypeString  ID = "type.string"
	TypeInteger ID = "type.integer"
	TypeNumber  ID = "type.number"
	TypeBool    ID = "type.bool"
	TypeList    ID = "type.list"
	TypeMapping ID = "type.mapping"
	TypeNull    ID = "type.null"
	TypeValue   ID = "type.value"

	ExpectString        ID = "expect.string"
	ExpectInteger       ID = "expect.integer"
	ExpectDuration      ID = "expect.duration"
	ExpectDurationOrOff ID = "expect.duration_or_off"
	ExpectSize          ID = "expect.size"
	ExpectStringList    ID = "expect.string_list"
	ExpectMapping       ID = "expect.mapping"
)

// Message ids of the commands that call the admin API of a running host,
// and of the configuration sections admin and tls.
const (
	UsageStatus  ID = "usage.status"
	UsagePlugins ID = "usage.plugins"
	UsageReload  ID = "usage.reload"

	FlagAdmin          ID = "flag.admin"
	FlagAdminToken     ID = "flag.admin_token"
	FlagAdminTokenFile ID = "flag.admin_token_file"
	FlagJSON           ID = "flag.json"
	FlagAdminTimeout   ID = "flag.admin_timeout"
	FlagPluginsTenant  ID = "flag.plugins_tenant"

	StatusHeader    ID = "status.header"
	StatusNoTenants ID = "status.no_tenants"
	PluginsHeader   ID = "plugins.header"
	PluginsNone     ID = "plugins.none"
	PluginPaused    ID = "plugins.paused"
	PluginResumed   ID = "plugins.resumed"
	PluginsAction   ID = "plugins.unknown_action"
	ReloadDone      ID = "reload.done"
	WordYes         ID = "word.yes"
	WordNo          ID = "word.no"

	AdminTokenMissing    ID = "admin.token_missing"
	AdminTokenConflict   ID = "admin.token_conflict"
	AdminTokenReadFile   ID = "admin.token_read_file"
	AdminTokenFileEmpty  ID = "admin.token_file_empty"
	AdminBadURL          ID = "admin.bad_url"
	AdminBadTimeout      ID = "admin.bad_timeout"
	AdminConnectFailed   ID = "admin.connect_failed"
	AdminTimedOut        ID = "admin.timed_out"
	AdminUnauthorized    ID = "admin.unauthorized"
	AdminRequestFailed   ID = "admin.request_failed"
	AdminInvalidResponse ID = "admin.invalid_response"

	CfgAdminNoToken        ID = "config.admin_no_token"
	CfgAdminTokenShort     ID = "config.admin_token_short"
	CfgFileEmptyAdminToken ID = "config.file_empty_admin_token"
	CfgMissingPair         ID = "config.missing_pair"
	CfgBadKeyPair          ID = "config.bad_key_pair"
	CfgNoDomains           ID = "config.no_domains"
	CfgBadDomain           ID = "config.bad_domain"
	CfgBadEmail            ID = "config.bad_email"
)

// messages is the table of every message in both languages. Keep the
// terms webhook, tenant and plugin in English in the Chinese texts, as the
// field does.
var messages = map[ID]Text{
	UsageMain: {
		En: `bubblehost runs Bubble chat bots as WebAssembly plugins. It receives the
platform's signed webhooks and calls each tenant's plugins for every event.

Usage:
  bubblehost <command> [flags] [arguments]

Commands:
  serve     run the host from a config file
  status    print the tenants of a running host, from its admin API
  plugins   list, pause or resume the plugins of a running host
  reload    make a running host reload its config and plugin folders
  demo      build the example plugins and run a local demo host
  build     compile a Go plugin folder into a .wasm module
  sign      print the X-Bubble-Signature value of a body
  send      post a signed event to a running host, as the platform does
  sim       run a fake Bubble platform on loopback and chat with the bot
  version   print the version
  help      print the help of a command

Run "bubblehost help <command>" for the flags of a command.
`,
		Zh: `bubblehost 把 Bubble 聊天机器人作为 WebAssembly plugin 运行：它接收平台签名的
webhook，并为每个事件调用对应 tenant 的 plugin。

用法：
  bubblehost <命令> [选项] [参数]

命令：
  serve     按配置文件运行 host
  status    通过 admin API 打印运行中 host 的各个 tenant
  plugins   列出、暂停或恢复运行中 host 的 plugin
  reload    让运行中的 host 重新加载配置和 plugin 文件夹
  demo      构建示例 plugin，并在本机运行一个演示 host
  build     把一个 Go plugin 文件夹编译为 .wasm 模块
  sign      打印请求体的 X-Bubble-Signature 值
  send      像平台一样，向运行中的 host 发送一个签名事件
  sim       在本机回环地址上运行模拟的 Bubble 平台，并与机器人对话
  version   打印版本
  help      打印某个命令的帮助

运行 "bubblehost help <命令>" 查看该命令的选项。
`,
	},
	UsageServe: {
		En: `Usage: bubblehost serve [--config FILE] [flags]

Runs the host: loads the configuration, starts every tenant's plugins and
serves POST /webhook/{tenant}, GET /healthz, GET /readyz and GET /metrics
until it receives SIGINT or SIGTERM. Then it answers new webhooks with 503,
so that the platform retries them, waits up to shutdown_timeout for the
events already accepted, logs the key of each event it had to abandon, and
closes its listeners.

With tls.cert_file and tls.key_file, or with tls.acme, the webhook listener
serves HTTPS. With admin.listen, serve also starts the admin API on that
address, which "bubblehost status", "plugins" and "reload" call.

The configuration comes from the YAML file, then from environment variables,
then from flags. A later source wins. Environment variables start with
BUBBLEHOST_ and separate levels with __, for example BUBBLEHOST_LISTEN,
BUBBLEHOST_LOG__LEVEL, BUBBLEHOST_TENANTS__DEMO__TOKEN and
BUBBLEHOST_TENANTS__DEMO__SECRETS (a comma-separated list). Variable names
are lower-cased to form keys, so a tenant id that comes from the environment
is lower-case. BUBBLEHOST_SECRET is not part of the configuration: only sign
and send read it.

Relative paths in the file resolve against the file's folder. Relative paths
from the environment or flags resolve against the current folder.

Exit status: 0 after a clean stop, 1 when the host fails, 2 when the
configuration is invalid.
`,
		Zh: `用法：bubblehost serve [--config 文件] [选项]

运行 host：加载配置，启动每个 tenant 的 plugin，并提供 POST /webhook/{tenant}、
GET /healthz、GET /readyz 和 GET /metrics，直到收到 SIGINT 或 SIGTERM。
之后它对新的 webhook 返回 503，让平台稍后重试；最多等待 shutdown_timeout 让已接收的
事件处理完，在日志中记录被放弃的每个事件的 key，然后关闭监听。

设置 tls.cert_file 和 tls.key_file，或设置 tls.acme 时，webhook 监听使用 HTTPS。
设置 admin.listen 时，serve 还会在该地址上启动 admin API，供
"bubblehost status"、"plugins" 和 "reload" 调用。

配置依次来自 YAML 文件、环境变量和命令行选项，后者覆盖前者。环境变量以
BUBBLEHOST_ 开头，用 __ 分隔层级，例如 BUBBLEHOST_LISTEN、
BUBBLEHOST_LOG__LEVEL、BUBBLEHOST_TENANTS__DEMO__TOKEN 和
BUBBLEHOST_TENANTS__DEMO__SECRETS（逗号分隔的列表）。变量名会转为小写作为键，
所以来自环境变量的 tenant id 是小写的。BUBBLEHOST_SECRET 不属于配置，只有
sign 和 send 读取它。

文件中的相对路径以该文件所在的文件夹为基准；来自环境变量或选项的相对路径以
当前文件夹为基准。

退出码：正常停止为 0，host 出错为 1，配置无效为 2。
`,
	},
	UsageDemo: {
		En: `Usage: bubblehost demo [flags]

Builds every example plugin under examples/ into <data-dir>/demo/plugins and
runs a host with a built-in configuration: one tenant "demo" whose webhooks
must be signed with the secret demo-secret. The tenant has no bot token, so
the host logs the replies it would send instead of sending them.

Run it in a clone of the repository, then try it from another terminal:
  go run ./cmd/bubblehost send --content '!ping'
`,
		Zh: `用法：bubblehost demo [选项]

把 examples/ 下的每个示例 plugin 构建到 <data-dir>/demo/plugins，并用内置配置
运行 host：只有一个 tenant "demo"，它的 webhook 必须用密钥 demo-secret 签名。
该 tenant 没有机器人 token，所以 host 只在日志中记录它本要发送的回复，而不真正发送。

请在仓库的克隆中运行，然后在另一个终端中试用：
  go run ./cmd/bubblehost send --content '!ping'
`,
	},
	UsageBuild: {
		En: `Usage: bubblehost build DIR [-o FILE.wasm]

Compiles the Go plugin in folder DIR into a WebAssembly module by running
  GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath
in DIR, and shows the compiler's output as it runs. DIR must contain a main
package inside a Go module. The go command (Go 1.26 or newer) must be on PATH.
`,
		Zh: `用法：bubblehost build 目录 [-o 文件.wasm]

在该目录中运行
  GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath
把其中的 Go plugin 编译为 WebAssembly 模块，并实时显示编译器的输出。该目录必须
包含一个位于 Go module 内的 main 包，且 PATH 中必须有 go 命令（Go 1.26 或更新）。
`,
	},
	UsageSign: {
		En: `Usage: bubblehost sign [--secret S | --secret-file F] [FILE | -]

Prints sha256=<hex>, the HMAC-SHA256 of the exact bytes of FILE keyed with
the secret. The platform sends this value in the X-Bubble-Signature header.
Without FILE, or with -, the body is read from standard input. Nothing is
stripped from the body, not even a final newline. Without --secret and
--secret-file, the secret comes from BUBBLEHOST_SECRET.
`,
		Zh: `用法：bubblehost sign [--secret S | --secret-file F] [文件 | -]

打印 sha256=<hex>，即以密钥对该文件的原始字节计算的 HMAC-SHA256。平台在
X-Bubble-Signature 头中发送这个值。未给出文件或给出 - 时，从标准输入读取请求体。
请求体不做任何删减，连末尾的换行也保留。未给出 --secret 和 --secret-file 时，
密钥取自 BUBBLEHOST_SECRET。
`,
	},
	UsageSend: {
		En: `Usage: bubblehost send [flags]

Posts one event to a running host as the platform does: a JSON body with the
headers Content-Type, X-Bubble-Event and X-Bubble-Signature. The body is a
file sent byte for byte (--file), or the built-in sample of an event type
(--type) with the values of --content, --channel, --guild and --author
written into it. Prints the response status and body. The exit status is 1
when the status is not 2xx.

Without --secret, the secret comes from BUBBLEHOST_SECRET, else it is
demo-secret, so the defaults match "bubblehost demo".

Sample types: %s
`,
		Zh: `用法：bubblehost send [选项]

像平台一样向运行中的 host 发送一个事件：JSON 请求体，带 Content-Type、
X-Bubble-Event 和 X-Bubble-Signature 头。请求体要么是原样发送的文件（--file），
要么是某个事件类型的内置样例（--type），并写入 --content、--channel、--guild
和 --author 的值。命令打印响应的状态和内容；状态不是 2xx 时退出码为 1。

未给出 --secret 时，密钥取自 BUBBLEHOST_SECRET，否则为 demo-secret，
因此默认值与 "bubblehost demo" 一致。

样例类型：%s
`,
	},
	UsageVersion: {
		En: "Usage: bubblehost version\n\nPrints the version of bubblehost and of the Go toolchain that built it.\n",
		Zh: "用法：bubblehost version\n\n打印 bubblehost 的版本，以及构建它的 Go 工具链版本。\n",
	},
	UsageHelp: {
		En: "Usage: bubblehost help [command]\n\nPrints the list of commands, or the help of one command.\n",
		Zh: "用法：bubblehost help [命令]\n\n打印命令列表，或某个命令的帮助。\n",
	},
	FlagsHeader: {En: "Flags:", Zh: "选项："},
	FlagDefault: {En: " (default %s)", Zh: "（默认 %s）"},

	FlagConfig: {
		En: "path of the YAML config file. Without it, the configuration comes from environment variables and flags only",
		Zh: "YAML 配置文件的路径。不给出时，配置只来自环境变量和选项",
	},
	FlagListen: {
		En: "address to listen on for webhooks, as host:port (overrides listen)",
		Zh: "接收 webhook 的监听地址，格式为 host:port（覆盖 listen）",
	},
	FlagDataDir: {
		En: "folder for the host's own files, such as the compilation cache (overrides data_dir)",
		Zh: "host 自身文件（例如编译缓存）所在的文件夹（覆盖 data_dir）",
	},
	FlagLogLevel: {
		En: "minimum log level: debug, info, warn or error (overrides log.level)",
		Zh: "最低日志级别：debug、info、warn 或 error（覆盖 log.level）",
	},
	FlagLogFormat: {
		En: "log format: auto (coloured text on a terminal, JSON otherwise), text or json (overrides log.format)",
		Zh: "日志格式：auto（终端上为彩色文本，否则为 JSON）、text 或 json（覆盖 log.format）",
	},
	FlagDemoListen: {
		En: "address to listen on for webhooks, as host:port",
		Zh: "接收 webhook 的监听地址，格式为 host:port",
	},
	FlagDemoData: {
		En: "folder for the demo's files. The plugins are built into <data-dir>/demo/plugins",
		Zh: "演示所用文件的文件夹。plugin 会构建到 <data-dir>/demo/plugins",
	},
	FlagDemoSim: {
		En: "send replies to a fake platform started with \"bubblehost sim\" at this API base URL, with its token sim-token (empty: no platform, replies are logged)",
		Zh: "把回复发到用 \"bubblehost sim\" 启动的模拟平台，值为其 API 基础 URL，token 为 sim-token（为空则不连接平台，回复只记录在日志中）",
	},
	FlagExamples: {
		En: "folder of example plugins, one per subfolder (default: examples/ of the repository that contains the current folder)",
		Zh: "示例 plugin 所在的文件夹，每个子文件夹一个（默认：包含当前文件夹的仓库中的 examples/）",
	},
	FlagOutput: {
		En: "path of the .wasm file to write (default: <folder name>.wasm in the current folder)",
		Zh: "要写入的 .wasm 文件路径（默认：当前文件夹中的 <文件夹名>.wasm）",
	},
	FlagSecret: {
		En: "secret to compute the HMAC with",
		Zh: "计算 HMAC 所用的密钥",
	},
	FlagSecretFile: {
		En: "file that contains the secret on its first line that is neither blank nor a # comment",
		Zh: "包含密钥的文件，取第一个非空且不以 # 开头的行",
	},
	FlagSendSecret: {
		En: "secret to sign the body with (default: $BUBBLEHOST_SECRET, else demo-secret)",
		Zh: "给请求体签名所用的密钥（默认：$BUBBLEHOST_SECRET，否则为 demo-secret）",
	},
	FlagUnsigned: {
		En: "send no X-Bubble-Signature header",
		Zh: "不发送 X-Bubble-Signature 头",
	},
	FlagURL: {
		En: "webhook URL of the tenant",
		Zh: "tenant 的 webhook URL",
	},
	FlagFile: {
		En: `file to send as the body, byte for byte. Its "type" member sets X-Bubble-Event unless --type is given`,
		Zh: `作为请求体原样发送的文件。未给出 --type 时，X-Bubble-Event 取自其中的 "type" 成员`,
	},
	FlagType: {
		En: "event type of the built-in sample to send, and the X-Bubble-Event header",
		Zh: "要发送的内置样例的事件类型，也是 X-Bubble-Event 头的值",
	},
	FlagContent: {
		En: "message text to write into data.content",
		Zh: "写入 data.content 的消息文本",
	},
	FlagChannel: {
		En: "channel id to write into data.channelId",
		Zh: "写入 data.channelId 的频道 id",
	},
	FlagGuild: {
		En: "guild id to write into data.guildId",
		Zh: "写入 data.guildId 的服务器（guild）id",
	},
	FlagAuthor: {
		En: "user id to write into data.author.id, or into data.user.id for member events",
		Zh: "写入 data.author.id 的用户 id；成员事件则写入 data.user.id",
	},
	FlagTimeout: {
		En: "maximum time to wait for the response, such as 5s (the platform waits 5s)",
		Zh: "等待响应的最长时间，例如 5s（平台等待 5s）",
	},
	FlagHelp: {
		En: "print this help",
		Zh: "打印本帮助",
	},

	ErrUnknownCommand: {
		En: `unknown command %q. Run "bubblehost help" for the list of commands`,
		Zh: `未知命令 %q。运行 "bubblehost help" 查看命令列表`,
	},
	ErrInvalidFlags: {
		En: `%s: %v. Run "bubblehost help %s" for its flags`,
		Zh: `%s：%v。运行 "bubblehost help %s" 查看其选项`,
	},
	ErrTooManyArgs: {
		En: `%s: too many arguments: %s. Run "bubblehost help %s" for its usage`,
		Zh: `%s：参数过多：%s。运行 "bubblehost help %s" 查看用法`,
	},
	ErrMissingArg: {
		En: `%s: missing %s. Run "bubblehost help %s" for its usage`,
		Zh: `%s：缺少 %s。运行 "bubblehost help %s" 查看用法`,
	},
	ErrReadInput: {
		En: "cannot read %s: %v",
		Zh: "无法读取 %s：%v",
	},

	BuildNoGo: {
		En: "the go command was not found on PATH. Install Go 1.26 or newer and make sure go is on PATH",
		Zh: "在 PATH 中找不到 go 命令。请安装 Go 1.26 或更新版本，并确保 go 在 PATH 中",
	},
	BuildNotFound: {
		En: "plugin folder %s not found",
		Zh: "找不到 plugin 文件夹 %s",
	},
	BuildNotDir: {
		En: "%s is not a folder. Pass the folder that contains the plugin's Go files",
		Zh: "%s 不是文件夹。请给出包含 plugin Go 文件的文件夹",
	},
	BuildNoPackage: {
		En: "%s contains no Go package: it has no .go files other than tests",
		Zh: "%s 中没有 Go 包：除测试文件外没有任何 .go 文件",
	},
	BuildFailed: {
		En: "building %s failed: %v. The compiler's output is above",
		Zh: "构建 %s 失败：%v。编译器的输出见上方",
	},
	BuildWrote: {
		En: "wrote %s (%d bytes)",
		Zh: "已写入 %s（%d 字节）",
	},

	SecretMissing: {
		En: "no secret given. Pass --secret or --secret-file, or set BUBBLEHOST_SECRET",
		Zh: "未给出密钥。请使用 --secret 或 --secret-file，或设置 BUBBLEHOST_SECRET",
	},
	SecretConflict: {
		En: "--secret and --secret-file cannot be used together. Pass only one of them",
		Zh: "--secret 和 --secret-file 不能同时使用，请只给出其中一个",
	},
	SecretReadFile: {
		En: "cannot read the secret file: %v",
		Zh: "无法读取密钥文件：%v",
	},
	SecretFileEmpty: {
		En: "the secret file %s contains no secret. Blank lines and lines starting with # are ignored",
		Zh: "密钥文件 %s 中没有密钥。空行和以 # 开头的行会被忽略",
	},
	SendUnsignedSecret: {
		En: "--unsigned cannot be used with --secret or --secret-file",
		Zh: "--unsigned 不能与 --secret 或 --secret-file 同时使用",
	},
	SendFileAndPatch: {
		En: "--%s cannot be used with --file, which sends the file's bytes unchanged",
		Zh: "--%s 不能与 --file 同时使用，因为 --file 会原样发送文件内容",
	},
	SendUnknownType: {
		En: "no built-in sample for event type %q. Sample types: %s. Use --file to send any other body",
		Zh: "事件类型 %q 没有内置样例。样例类型：%s。发送其他内容请使用 --file",
	},
	SendFieldMissing: {
		En: "the %s sample has no %s field, so --%s cannot be applied to it",
		Zh: "%s 样例中没有 %s 字段，所以无法应用 --%s",
	},
	SendNoEventType: {
		En: `cannot take the event type from %s: %v. Pass --type to set the X-Bubble-Event header`,
		Zh: `无法从 %s 中取得事件类型：%v。请用 --type 设置 X-Bubble-Event 头`,
	},
	SendBadURL: {
		En: "invalid --url %q, expected an absolute http or https URL such as http://127.0.0.1:8080/webhook/demo",
		Zh: "--url %q 无效，应为绝对的 http 或 https URL，例如 http://127.0.0.1:8080/webhook/demo",
	},
	SendBadTimeout: {
		En: "invalid --timeout %s, expected a positive duration such as 5s",
		Zh: "--timeout %s 无效，应为正的时长，例如 5s",
	},
	SendConnectFailed: {
		En: `cannot reach %s: %v. Is the host running? Start one with "bubblehost demo" or "bubblehost serve"`,
		Zh: `无法连接 %s：%v。host 是否在运行？可用 "bubblehost demo" 或 "bubblehost serve" 启动`,
	},
	SendTimedOut: {
		En: "no response from %s within %s",
		Zh: "%s 在 %s 内没有响应",
	},
	SendNotSuccessful: {
		En: "the host responded with %s, not a 2xx status",
		Zh: "host 的响应状态为 %s，不是 2xx",
	},
	SendInvalidResponse: {
		En: "cannot read the response from %s: %v",
		Zh: "无法读取 %s 的响应：%v",
	},

	DemoNoRepository: {
		En: "cannot find the examples folder, because the current folder is not inside a clone of the bubblehost repository. Run the demo in a clone, or pass --examples",
		Zh: "找不到 examples 文件夹，因为当前文件夹不在 bubblehost 仓库的克隆中。请在克隆中运行演示，或使用 --examples",
	},
	DemoNoExamples: {
		En: "%s contains no example plugin, which is a subfolder with a Go main package",
		Zh: "%s 中没有示例 plugin（即含有 Go main 包的子文件夹）",
	},
	DemoBuilding: {
		En: "building %s into %s",
		Zh: "正在把 %s 构建为 %s",
	},
	DemoIntro: {
		En: `
The demo host is starting.

  webhook URL  %[1]s
  tenant       demo
  secret       demo-secret (webhooks must be signed)
  plugins      %[2]s, built into %[3]s

Try it from another terminal in this folder:

  %[4]s

The demo tenant has no bot token, so the host does not call the platform.
Instead it logs each reply a plugin sends, as a line with the message
"%[5]s" and the reply's text in content.
Press Ctrl+C to stop.

`,
		Zh: `
演示 host 正在启动。

  webhook URL  %[1]s
  tenant       demo
  密钥         demo-secret（webhook 必须签名）
  plugin       %[2]s，已构建到 %[3]s

请在另一个终端中、在本文件夹下试用：

  %[4]s

演示 tenant 没有机器人 token，所以 host 不会调用平台，而是把 plugin 发送的每条
回复记录为一行日志，消息为 "%[5]s"，回复文本在 content 中。
按 Ctrl+C 停止。

`,
	},

	DemoIntroSim: {
		En: `
The demo host is starting, connected to the fake platform at %[6]s.

  webhook URL  %[1]s
  tenant       demo
  secret       demo-secret (webhooks must be signed)
  plugins      %[2]s, built into %[3]s

Type a message such as !ping, 你好 or help in the terminal that runs
"bubblehost sim": the sim delivers it here as a signed webhook, and the
bot's reply appears there. Or send one from another terminal:

  %[4]s

Press Ctrl+C to stop.

`,
		Zh: `
演示 host 正在启动，已连接到位于 %[6]s 的模拟平台。

  webhook URL  %[1]s
  tenant       demo
  密钥         demo-secret（webhook 必须签名）
  plugin       %[2]s，已构建到 %[3]s

在运行 "bubblehost sim" 的终端中输入一条消息，例如 !ping、你好 或 help：
模拟平台会把它作为签名的 webhook 投递到这里，机器人的回复会显示在那个终端中。
也可以在另一个终端中发送：

  %[4]s

按 Ctrl+C 停止。

`,
	},

	ServeFailed: {
		En: "the host stopped with an error: %v",
		Zh: "host 因错误而停止：%v",
	},

	CfgHeader: {
		En: "invalid configuration:",
		Zh: "配置无效：",
	},
	CfgSourceEnv:     {En: "environment variable %s", Zh: "环境变量 %s"},
	CfgSourceFlag:    {En: "flag --%s", Zh: "选项 --%s"},
	CfgSourceDefault: {En: "configuration", Zh: "配置"},
	CfgHidden:        {En: "(hidden)", Zh: "（已隐藏）"},
	CfgReadFile: {
		En: "cannot read the config file: %v",
		Zh: "无法读取配置文件：%v",
	},
	CfgParseFile: {
		En: "invalid YAML: %v",
		Zh: "YAML 无效：%v",
	},
	CfgUnknownKey: {
		En: "unknown key. Valid keys here: %s",
		Zh: "未知的键。此处可用的键：%s",
	},
	CfgUnknownKeySuggest: {
		En: "unknown key. Did you mean %s?",
		Zh: "未知的键。是否想写 %s？",
	},
	CfgWrongType: {
		En: "invalid type: have %s, expected %s",
		Zh: "类型无效：实际为%s，应为%s",
	},
	CfgBadInteger: {
		En: "invalid integer %s, expected a whole number",
		Zh: "整数 %s 无效，应为整数",
	},
	CfgNegative: {
		En: "invalid value %s, expected 0 or more (0 selects the default)",
		Zh: "值 %s 无效，应为 0 或更大（0 表示使用默认值）",
	},
	CfgBadDuration: {
		En: "invalid duration %s, expected a duration such as 500ms, 2s or 1m30s",
		Zh: "时长 %s 无效，应为 500ms、2s 或 1m30s 这样的时长",
	},
	CfgBadDurationOrOff: {
		En: "invalid value %s, expected a duration such as 10ms, or off",
		Zh: "值 %s 无效，应为 10ms 这样的时长，或 off",
	},
	CfgNegativeDuration: {
		En: "invalid duration %s, expected 0 or more (0 selects the default)",
		Zh: "时长 %s 无效，应为 0 或更长（0 表示使用默认值）",
	},
	CfgBadSize: {
		En: "invalid size %s, expected a number of bytes, or a number with the unit KiB, MiB or GiB such as 128MiB",
		Zh: "大小 %s 无效，应为字节数，或带 KiB、MiB、GiB 单位的数，例如 128MiB",
	},
	CfgSizeTooLarge: {
		En: "invalid size %s, expected at most 4GiB, the largest memory a 32-bit WebAssembly module can address",
		Zh: "大小 %s 无效，最大为 4GiB，即 32 位 WebAssembly 模块可寻址的最大内存",
	},
	CfgBadEnum: {
		En: "invalid value %s, expected one of %s",
		Zh: "值 %s 无效，应为以下之一：%s",
	},
	CfgBadURL: {
		En: "invalid URL %s, expected an absolute http or https URL such as https://bubble.alemonjs.com/api/bot/v1",
		Zh: "URL %s 无效，应为绝对的 http 或 https URL，例如 https://bubble.alemonjs.com/api/bot/v1",
	},
	CfgBadAddress: {
		En: "invalid address %s, expected host:port such as 127.0.0.1:8080",
		Zh: "地址 %s 无效，应为 host:port，例如 127.0.0.1:8080",
	},
	CfgEmpty: {
		En: "empty value. Set a value, or remove the key to use the default",
		Zh: "值为空。请设置一个值，或删除该键以使用默认值",
	},
	CfgEmptySecret: {
		En: "empty secret, which matches no signature. Fill in the entry or remove it",
		Zh: "密钥为空，空密钥无法匹配任何签名。请填写或删除该项",
	},
	CfgBadTenantID: {
		En: "invalid tenant id %s, expected 1 to 64 lower-case letters, digits, '_' or '-', starting with a letter or digit",
		Zh: "tenant id %s 无效，应为 1 到 64 个小写字母、数字、'_' 或 '-'，并以字母或数字开头",
	},
	CfgBadPluginName: {
		En: "invalid plugin name %s, expected the name from the plugin's manifest: 1 to 64 lower-case letters, digits, '_' or '-'",
		Zh: "plugin 名称 %s 无效，应为 plugin manifest 中的名称：1 到 64 个小写字母、数字、'_' 或 '-'",
	},
	CfgNoTenants: {
		En: "no tenant configured. Add at least one under tenants",
		Zh: "没有配置任何 tenant。请在 tenants 下至少添加一个",
	},
	CfgNoSecret: {
		En: "tenant %s requires signed webhooks but has no secret. Set secrets or secrets_file, or set signature to optional or off",
		Zh: "tenant %s 要求 webhook 签名，但没有密钥。请设置 secrets 或 secrets_file，或把 signature 设为 optional 或 off",
	},
	CfgReadKeyFile: {
		En: "cannot read the file: %v",
		Zh: "无法读取该文件：%v",
	},
	CfgFileNoSecret: {
		En: "%s contains no secret. Blank lines and lines starting with # are ignored",
		Zh: "%s 中没有密钥。空行和以 # 开头的行会被忽略",
	},
	CfgFileEmptyToken: {
		En: "%s is empty, expected the bot token",
		Zh: "%s 是空的，应包含机器人 token",
	},
	CfgConflict: {
		En: "cannot be set together with %s. Set only one of them",
		Zh: "不能与 %s 同时设置，请只设置其中一个",
	},
	CfgBadJSON: {
		En: "cannot be converted to JSON: %v",
		Zh: "无法转换为 JSON：%v",
	},
	CfgBadEnvValue: {
		En: "invalid YAML or JSON value: %v",
		Zh: "YAML 或 JSON 值无效：%v",
	},

	TypeString:  {En: "a string", Zh: "字符串"},
	TypeInteger: {En: "an integer", Zh: "整数"},
	TypeNumber:  {En: "a number", Zh: "数字"},
	TypeBool:    {En: "true or false", Zh: "布尔值"},
	TypeList:    {En: "a list", Zh: "列表"},
	TypeMapping: {En: "a mapping", Zh: "映射"},
	TypeNull:    {En: "an empty value", Zh: "空值"},
	TypeValue:   {En: "a value", Zh: "值"},

	ExpectString:        {En: "a string", Zh: "字符串"},
	ExpectInteger:       {En: "an integer", Zh: "整数"},
	ExpectDuration:      {En: "a duration such as 2s", Zh: "时长（例如 2s）"},
	ExpectDurationOrOff: {En: "a duration such as 10ms, or off", Zh: "时长（例如 10ms）或 off"},
	ExpectSize:          {En: "a size such as 1048576 or 128MiB", Zh: "大小（例如 1048576 或 128MiB）"},
	ExpectStringList:    {En: "a list of strings", Zh: "字符串列表"},
	ExpectMapping:       {En: "a mapping of keys to values", Zh: "键值映射"},
	UsageStatus: {
		En: `Usage: bubblehost status [--admin URL] [--token-file FILE] [--json]

Prints one row per tenant of a running host: its id, how its webhooks are
authenticated, whether it is a dry run (no bot token, so replies are only
logged), how many events wait in its queue, and how many of its plugin files
serve (status ok) out of all of them.

The host must run "bubblehost serve" with admin.listen set: status calls its
admin API at --admin. The admin token comes from --token, else --token-file,
else the environment variable BUBBLEHOST_ADMIN_TOKEN. Prefer --token-file or
the variable, because other users of the machine can read command lines.

With --json, status prints the admin API's JSON response unchanged. The exit
status is 1 when the admin API cannot be reached or rejects the request.
`,
		Zh: `用法：bubblehost status [--admin URL] [--token-file 文件] [--json]

为运行中 host 的每个 tenant 打印一行：id、webhook 的验证方式、是否为试运行
（没有机器人 token，回复只记录在日志中）、队列中等待的事件数，以及其 plugin
文件中正常提供服务（状态为 ok）的数量和总数。

host 必须以 "bubblehost serve" 运行并设置了 admin.listen：status 调用位于
--admin 的 admin API。admin token 依次取自 --token、--token-file 和环境变量
BUBBLEHOST_ADMIN_TOKEN。建议使用 --token-file 或环境变量，因为本机的其他用户
能看到命令行。

使用 --json 时，status 原样打印 admin API 返回的 JSON。无法连接 admin API
或请求被拒绝时，退出码为 1。
`,
	},
	UsagePlugins: {
		En: `Usage: bubblehost plugins [--tenant ID] [flags]
       bubblehost plugins pause TENANT PLUGIN [flags]
       bubblehost plugins resume TENANT PLUGIN [flags]

Without arguments, prints one row per plugin file of a running host: its
tenant, the plugin's name and version, its status, the first 12 characters
of the SHA-256 of the version serving, the file name and its last error,
shortened. The status is ok, paused (by its circuit breaker or an operator),
error (the file failed to load, so nothing serves) or stale (a newer file
failed to load, so the previous version serves).

pause stops the calls of a plugin until resume, which also clears the
failures its circuit breaker counted. PLUGIN is the name from the plugin's
manifest, as the list shows it.

The admin API and its token are found as for "bubblehost status".
`,
		Zh: `用法：bubblehost plugins [--tenant ID] [选项]
      bubblehost plugins pause TENANT PLUGIN [选项]
      bubblehost plugins resume TENANT PLUGIN [选项]

不带参数时，为运行中 host 的每个 plugin 文件打印一行：所属 tenant、plugin 的
名称和版本、状态、正在服务的版本的 SHA-256 前 12 个字符、文件名，以及缩短后的
最近错误。状态为 ok、paused（被熔断器或运维人员暂停）、error（文件加载失败，
没有版本在服务）或 stale（较新的文件加载失败，仍由旧版本服务）。

pause 让 plugin 停止被调用，直到 resume；resume 同时清除其熔断器记录的失败次数。
PLUGIN 是 plugin manifest 中的名称，与列表中显示的一致。

admin API 及其 token 的查找方式与 "bubblehost status" 相同。
`,
	},
	UsageReload: {
		En: `Usage: bubblehost reload [flags]

Makes a running host load its configuration again, as SIGHUP does, and scan
every plugin folder. A configuration that does not load or validate is
rejected whole: the host keeps the configuration it runs with, and reload
prints the problems and exits with status 1. Settings that need a restart,
such as listen addresses, folders, tls and admin, keep their running values,
and the host logs a warning for each of them.

The admin API and its token are found as for "bubblehost status".
`,
		Zh: `用法：bubblehost reload [选项]

让运行中的 host 像收到 SIGHUP 一样重新加载配置，并扫描每个 plugin 文件夹。
无法加载或校验失败的配置会被整体拒绝：host 继续使用当前配置，reload 打印问题
并以退出码 1 结束。需要重启才能生效的设置（例如监听地址、文件夹、tls 和 admin）
保持运行中的值，host 会为每一项记录一条警告日志。

admin API 及其 token 的查找方式与 "bubblehost status" 相同。
`,
	},

	FlagAdmin: {
		En: "base URL of the host's admin API, the address set in admin.listen",
		Zh: "host 的 admin API 基础 URL，即 admin.listen 中设置的地址",
	},
	FlagAdminToken: {
		En: "admin token. Other users can read it in the process list, so prefer --token-file or BUBBLEHOST_ADMIN_TOKEN",
		Zh: "admin token。其他用户可在进程列表中看到它，建议改用 --token-file 或 BUBBLEHOST_ADMIN_TOKEN",
	},
	FlagAdminTokenFile: {
		En: "file that contains the admin token",
		Zh: "包含 admin token 的文件",
	},
	FlagJSON: {
		En: "print the admin API's JSON response instead of a table",
		Zh: "打印 admin API 返回的 JSON，而不是表格",
	},
	FlagAdminTimeout: {
		En: "maximum time to wait for the admin API's response, such as 30s",
		Zh: "等待 admin API 响应的最长时间，例如 30s",
	},
	FlagPluginsTenant: {
		En: "list only the plugins of this tenant",
		Zh: "只列出该 tenant 的 plugin",
	},

	StatusHeader: {
		En: "TENANT\tSIGNATURE\tDRY RUN\tQUEUED\tPLUGINS OK/TOTAL",
		Zh: "TENANT\t签名\t试运行\t排队事件\tPLUGIN 正常/总数",
	},
	StatusNoTenants: {
		En: "the host has no tenant",
		Zh: "该 host 没有 tenant",
	},
	PluginsHeader: {
		En: "TENANT\tPLUGIN\tVERSION\tSTATUS\tSHA256\tFILE\tLAST ERROR",
		Zh: "TENANT\tPLUGIN\t版本\t状态\tSHA256\t文件\t最近错误",
	},
	PluginsNone: {
		En: "no plugin file found",
		Zh: "没有找到 plugin 文件",
	},
	PluginPaused: {
		En: "paused plugin %s of tenant %s",
		Zh: "已暂停 tenant %[2]s 的 plugin %[1]s",
	},
	PluginResumed: {
		En: "resumed plugin %s of tenant %s",
		Zh: "已恢复 tenant %[2]s 的 plugin %[1]s",
	},
	PluginsAction: {
		En: `unknown plugins action %q, expected pause or resume. Run "bubblehost help plugins" for its usage`,
		Zh: `未知的 plugins 操作 %q，应为 pause 或 resume。运行 "bubblehost help plugins" 查看用法`,
	},
	ReloadDone: {
		En: "reloaded the configuration and scanned the plugin folders",
		Zh: "已重新加载配置，并扫描了 plugin 文件夹",
	},
	WordYes: {En: "yes", Zh: "是"},
	WordNo:  {En: "no", Zh: "否"},

	AdminTokenMissing: {
		En: "no admin token given. Pass --token-file or --token, or set BUBBLEHOST_ADMIN_TOKEN, to the host's admin.token",
		Zh: "未给出 admin token。请使用 --token-file 或 --token，或设置 BUBBLEHOST_ADMIN_TOKEN，值为 host 的 admin.token",
	},
	AdminTokenConflict: {
		En: "--token and --token-file cannot be used together. Pass only one of them",
		Zh: "--token 和 --token-file 不能同时使用，请只给出其中一个",
	},
	AdminTokenReadFile: {
		En: "cannot read the token file: %v",
		Zh: "无法读取 token 文件：%v",
	},
	AdminTokenFileEmpty: {
		En: "the token file %s is empty",
		Zh: "token 文件 %s 是空的",
	},
	AdminBadURL: {
		En: "invalid --admin %q, expected an absolute http or https URL such as http://127.0.0.1:8081",
		Zh: "--admin %q 无效，应为绝对的 http 或 https URL，例如 http://127.0.0.1:8081",
	},
	AdminBadTimeout: {
		En: "invalid --timeout %s, expected a positive duration such as 30s",
		Zh: "--timeout %s 无效，应为正的时长，例如 30s",
	},
	AdminConnectFailed: {
		En: `cannot reach the admin API at %s: %v. Is "bubblehost serve" running with admin.listen set to that address?`,
		Zh: `无法连接位于 %s 的 admin API：%v。"bubblehost serve" 是否在运行，且 admin.listen 设为该地址？`,
	},
	AdminTimedOut: {
		En: "no response from the admin API at %s within %s",
		Zh: "位于 %s 的 admin API 在 %s 内没有响应",
	},
	AdminUnauthorized: {
		En: "the admin API at %s rejected the token. Pass the token set in the host's admin.token or admin.token_file",
		Zh: "位于 %s 的 admin API 拒绝了该 token。请给出 host 的 admin.token 或 admin.token_file 中设置的 token",
	},
	AdminRequestFailed: {
		En: "the admin API responded with %s: %s",
		Zh: "admin API 的响应状态为 %s：%s",
	},
	AdminInvalidResponse: {
		En: "cannot read the response of the admin API at %s: %v",
		Zh: "无法读取位于 %s 的 admin API 的响应：%v",
	},

	CfgAdminNoToken: {
		En: "missing, but %s is set and the admin API needs a token. Set admin.token or admin.token_file, for example to the output of: openssl rand -hex 32",
		Zh: "缺失，但已设置 %s，而 admin API 需要 token。请设置 admin.token 或 admin.token_file，例如设为 openssl rand -hex 32 的输出",
	},
	CfgAdminTokenShort: {
		En: "the admin token is %d bytes long, expected at least %d. Generate one with: openssl rand -hex 32",
		Zh: "admin token 长 %d 字节，至少应为 %d 字节。可用 openssl rand -hex 32 生成",
	},
	CfgFileEmptyAdminToken: {
		En: "%s is empty, expected the admin token",
		Zh: "%s 是空的，应包含 admin token",
	},
	CfgMissingPair: {
		En: "missing, but %s is set. Set both, or neither",
		Zh: "缺失，但已设置 %s。请同时设置两者，或都不设置",
	},
	CfgBadKeyPair: {
		En: "cannot load the certificate with the private key of %s: %v",
		Zh: "无法用 %s 的私钥加载该证书：%v",
	},
	CfgNoDomains: {
		En: "no domain given. List the host names to get certificates for, such as [bot.example.com]",
		Zh: "未给出域名。请列出需要证书的主机名，例如 [bot.example.com]",
	},
	CfgBadDomain: {
		En: "invalid domain %s, expected a host name such as bot.example.com, not an IP address, without scheme, port, path or wildcard",
		Zh: "域名 %s 无效，应为 bot.example.com 这样的主机名，不能是 IP 地址，不带协议、端口、路径或通配符",
	},
	CfgBadEmail: {
		En: "invalid email address %s, expected an address such as ops@example.com",
		Zh: "电子邮件地址 %s 无效，应为 ops@example.com 这样的地址",
	},
}
