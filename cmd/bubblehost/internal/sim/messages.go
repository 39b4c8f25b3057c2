package sim

import "fmt"

// msgID names one message in the table.
type msgID string

// Message ids, grouped by what shows them.
const (
	msgUsage       msgID = "usage"
	msgFlagsHeader msgID = "usage.flags_header"
	msgFlagDefault msgID = "usage.flag_default"

	msgFlagListen    msgID = "flag.listen"
	msgFlagToken     msgID = "flag.token"
	msgFlagBotID     msgID = "flag.bot_id"
	msgFlagBotUserID msgID = "flag.bot_user_id"
	msgFlagBotName   msgID = "flag.bot_name"
	msgFlagWebhook   msgID = "flag.webhook"
	msgFlagSecret    msgID = "flag.secret"
	msgFlagChannel   msgID = "flag.channel"
	msgFlagGuild     msgID = "flag.guild"
	msgFlagUserID    msgID = "flag.user_id"
	msgFlagUserName  msgID = "flag.user_name"
	msgFlagTimeout   msgID = "flag.timeout"
	msgFlagSchedule  msgID = "flag.retry_schedule"
	msgFlagEcho      msgID = "flag.echo"
	msgFlagHelp      msgID = "flag.help"

	msgInvalidFlags    msgID = "err.invalid_flags"
	msgTooManyArgs     msgID = "err.too_many_args"
	msgNotPositive     msgID = "err.not_positive"
	msgEmptyFlag       msgID = "err.empty_flag"
	msgInvalidWebhook  msgID = "err.invalid_webhook"
	msgInvalidSchedule msgID = "err.invalid_schedule"
	msgListenFailed    msgID = "err.listen_failed"
	msgStdinFailed     msgID = "err.stdin_failed"

	msgBanner         msgID = "banner.platform"
	msgBannerSigned   msgID = "banner.signed"
	msgBannerUnsigned msgID = "banner.unsigned"
	msgBannerInput    msgID = "banner.input"
	msgStdinClosed    msgID = "input.closed"

	msgHelp            msgID = "command.help"
	msgUnknownCommand  msgID = "command.unknown"
	msgUsageDM         msgID = "command.usage_dm"
	msgUsageJoin       msgID = "command.usage_join"
	msgUsageEvent      msgID = "command.usage_event"
	msgUsageFault      msgID = "command.usage_fault"
	msgStoreFailed     msgID = "command.store_failed"
	msgReadEventFailed msgID = "command.read_event_failed"
	msgJoined          msgID = "command.joined"
	msgFault500        msgID = "fault.500"
	msgFault429        msgID = "fault.429"
	msgFaultSlow       msgID = "fault.slow"
	msgFaultDrop       msgID = "fault.drop"
	msgFaultOff        msgID = "fault.off"

	msgBotMessage msgID = "api.bot_message"
	msgBotDM      msgID = "api.bot_dm"
	msgBotEdited  msgID = "api.bot_edited"
	msgBotDeleted msgID = "api.bot_deleted"
	msgAPICall    msgID = "api.call"
	msgAPIError   msgID = "api.error"
	msgAPIDropped msgID = "api.dropped"
	msgInjected   msgID = "api.injected"

	msgEchoLabel         msgID = "delivery.echo_label"
	msgDelivered         msgID = "delivery.delivered"
	msgAttemptFailed     msgID = "delivery.attempt_failed"
	msgAttemptFailedLast msgID = "delivery.attempt_failed_last"
	msgNotDelivered      msgID = "delivery.not_delivered"
	msgReasonStatus      msgID = "delivery.reason_status"
	msgReasonTimeout     msgID = "delivery.reason_timeout"
	msgDeliveryFailed    msgID = "delivery.failed"
)

// text is one message in both languages. Both are fmt formats that take the
// same arguments in the same order.
type text struct {
	en string
	zh string
}

// translate returns message id in lang ("zh" for Chinese, anything else
// for English), formatted with args. An id missing from the table comes
// out as the id and its arguments, so that a typo shows.
func translate(lang string, id msgID, args ...any) string {
	t, ok := messages[id]
	if !ok {
		return fmt.Sprint(append([]any{string(id)}, args...)...)
	}
	format := t.en
	if lang == "zh" {
		format = t.zh
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// messages is every message of the command in English and Chinese. The
// Chinese texts keep the field's terms in English: webhook, tenant, plugin,
// channel, and the names of events, flags and headers.
var messages = map[msgID]text{
	msgUsage: {
		en: `Usage: bubblehost sim [flags]

Runs a fake Bubble platform on this machine, for trying a host without the
real platform. It serves the platform's HTTP API for one bot and prints
every message the bot sends and every other API request. Each line typed on
standard input is delivered to the host's webhook as a MESSAGE_CREATE from
a simulated user, signed, with the platform's 5-second timeout and its
retries after 1 s, 5 s and 15 s.

Commands typed on standard input:
  /dm TEXT          send TEXT as a direct message (DM_MESSAGE_CREATE)
  /join NAME        add a user named NAME to the guild (GUILD_MEMBER_ADD)
  /event FILE       deliver the event body in FILE as it is
  /fault 500 N      respond 500 to the next N API requests
  /fault 429 N      respond 429 to the next N API requests
  /fault slow DUR   wait DUR, such as 2s, before every API response; 0 stops
  /fault drop N     close the next N API connections without a response
  /fault off        clear every fault
  /help             list these commands
  /quit             stop at once, abandoning deliveries in flight
A line starting with // sends a message that starts with /.

At the end of standard input the platform keeps running until interrupted,
so "bubblehost sim </dev/null &" runs it in the background.

Exit status: 0 after /quit or an interrupt, 1 when the platform cannot
start, 2 when a flag is invalid.
`,
		zh: `用法：bubblehost sim [选项]

在本机运行一个模拟的 Bubble 平台，无需真实平台即可试用 host。它为一个机器人
提供平台的 HTTP API，并打印机器人发送的每条消息和其他每个 API 请求。在标准
输入中键入的每一行，都会作为模拟用户的 MESSAGE_CREATE 投递到 host 的
webhook：带签名，沿用平台的 5 秒超时，失败后在 1 秒、5 秒和 15 秒后重试。

可在标准输入中键入的命令：
  /dm 文本          以私信发送文本（DM_MESSAGE_CREATE）
  /join 名字        向 guild 加入一个名为该名字的用户（GUILD_MEMBER_ADD）
  /event 文件       原样投递文件中的事件请求体
  /fault 500 N      对接下来 N 个 API 请求返回 500
  /fault 429 N      对接下来 N 个 API 请求返回 429
  /fault slow 时长  每个 API 响应前等待该时长（如 2s）；0 表示停止等待
  /fault drop N     直接关闭接下来 N 个 API 连接，不返回响应
  /fault off        清除所有故障
  /help             列出这些命令
  /quit             立即停止，放弃进行中的投递
以 // 开头的一行会发送一条以 / 开头的消息。

标准输入结束后，平台继续运行直到被中断，因此可以用
"bubblehost sim </dev/null &" 在后台运行它。

退出状态：/quit 或中断后为 0，平台无法启动时为 1，选项无效时为 2。
`,
	},
	msgFlagsHeader: {en: "Flags:", zh: "选项："},
	msgFlagDefault: {en: " (default %s)", zh: "（默认 %s）"},

	msgFlagListen: {
		en: "TCP address of the fake platform's HTTP API",
		zh: "模拟平台 HTTP API 的 TCP 地址",
	},
	msgFlagToken: {
		en: "bot token that the API accepts; set the host's tenant token to it",
		zh: "API 接受的机器人 token；把 host 中 tenant 的 token 设为它",
	},
	msgFlagBotID: {
		en: "bot id that GET /bot/me returns",
		zh: "GET /bot/me 返回的机器人 id",
	},
	msgFlagBotUserID: {
		en: "user id of the bot, the author of its messages",
		zh: "机器人的用户 id，即其消息的作者",
	},
	msgFlagBotName: {
		en: "name of the bot",
		zh: "机器人的名字",
	},
	msgFlagWebhook: {
		en: "webhook URL that events are delivered to",
		zh: "事件投递到的 webhook URL",
	},
	msgFlagSecret: {
		en: "secret that signs each delivery (X-Bubble-Signature); empty sends deliveries unsigned",
		zh: "为每次投递签名（X-Bubble-Signature）的密钥；为空则不签名",
	},
	msgFlagChannel: {
		en: "channel id of the typed messages",
		zh: "键入消息所在的 channel id",
	},
	msgFlagGuild: {
		en: "guild id of the channel and of /join",
		zh: "该 channel 和 /join 所属的 guild id",
	},
	msgFlagUserID: {
		en: "user id of the simulated user who types",
		zh: "键入消息的模拟用户的 id",
	},
	msgFlagUserName: {
		en: "name of the simulated user",
		zh: "模拟用户的名字",
	},
	msgFlagTimeout: {
		en: "how long each delivery waits for the webhook's response",
		zh: "每次投递等待 webhook 响应的时长",
	},
	msgFlagSchedule: {
		en: `waits before each retry of a failed delivery, comma-separated, or "none" for no retries`,
		zh: `投递失败后每次重试前的等待时长，以逗号分隔；"none" 表示不重试`,
	},
	msgFlagEcho: {
		en: "deliver the bot's own messages, edits and deletions back to the webhook, as the platform does",
		zh: "像平台一样，把机器人自己的消息、编辑和删除再投递给 webhook",
	},
	msgFlagHelp: {
		en: "print this help",
		zh: "打印本帮助",
	},

	msgInvalidFlags: {
		en: `sim: %v. Run "bubblehost sim --help" for its flags`,
		zh: `sim：%v。运行 "bubblehost sim --help" 查看其选项`,
	},
	msgTooManyArgs: {
		en: `sim: too many arguments: %s. The command takes flags only; run "bubblehost sim --help" for them`,
		zh: `sim：参数过多：%s。该命令只接受选项；运行 "bubblehost sim --help" 查看`,
	},
	msgNotPositive: {
		en: "invalid --%s %v: it must be positive",
		zh: "--%s 的值 %v 无效：必须为正数",
	},
	msgEmptyFlag: {
		en: "--%s is empty: give it a value",
		zh: "--%s 为空：请给出一个值",
	},
	msgInvalidWebhook: {
		en: "invalid --webhook %q: want an http:// or https:// URL with a host",
		zh: "--webhook 的值 %q 无效：需要带主机名的 http:// 或 https:// URL",
	},
	msgInvalidSchedule: {
		en: `invalid --retry-schedule %q: %q is not a duration such as 1s; give comma-separated durations or "none"`,
		zh: `--retry-schedule 的值 %q 无效：%q 不是 1s 这样的时长；请给出逗号分隔的时长或 "none"`,
	},
	msgListenFailed: {
		en: "cannot start the platform on %s: %v. Choose another address with --listen",
		zh: "无法在 %s 上启动平台：%v。请用 --listen 换一个地址",
	},
	msgStdinFailed: {
		en: "reading standard input failed: %v",
		zh: "读取标准输入失败：%v",
	},

	msgBanner: {
		en: `Fake Bubble platform running. Point the host's tenant at it:
  api_base  %s
  token     %s
The bot is %s (id %d, user id %d).`,
		zh: `模拟 Bubble 平台已运行。请让 host 的 tenant 指向它：
  api_base  %s
  token     %s
机器人为 %s（id %d，用户 id %d）。`,
	},
	msgBannerSigned: {
		en: "Events go to the webhook %s, signed with the secret of --secret.",
		zh: "事件将投递到 webhook %s，并用 --secret 的密钥签名。",
	},
	msgBannerUnsigned: {
		en: "Events go to the webhook %s unsigned, because --secret is empty.",
		zh: "事件将不带签名地投递到 webhook %s，因为 --secret 为空。",
	},
	msgBannerInput: {
		en: "Each line you type is a message from %s (user %d) in channel %d. /help lists the commands.",
		zh: "你键入的每一行都是 %s（用户 %d）在 channel %d 中发送的消息。/help 列出可用命令。",
	},
	msgStdinClosed: {
		en: "Standard input has ended. The platform keeps running until interrupted.",
		zh: "标准输入已结束。平台将继续运行，直到被中断。",
	},

	msgHelp: {
		en: `Commands:
  TEXT              a message from the simulated user (MESSAGE_CREATE)
  //TEXT            a message that starts with /
  /dm TEXT          a direct message to the bot (DM_MESSAGE_CREATE)
  /join NAME        a new member of the guild (GUILD_MEMBER_ADD)
  /event FILE       deliver the event body in FILE as it is
  /fault 500 N      respond 500 to the next N API requests
  /fault 429 N      respond 429 to the next N API requests
  /fault slow DUR   wait DUR before every API response; 0 stops
  /fault drop N     close the next N API connections without a response
  /fault off        clear every fault
  /quit             stop`,
		zh: `命令：
  文本              模拟用户发送的消息（MESSAGE_CREATE）
  //文本            以 / 开头的消息
  /dm 文本          发给机器人的私信（DM_MESSAGE_CREATE）
  /join 名字        guild 的新成员（GUILD_MEMBER_ADD）
  /event 文件       原样投递文件中的事件请求体
  /fault 500 N      对接下来 N 个 API 请求返回 500
  /fault 429 N      对接下来 N 个 API 请求返回 429
  /fault slow 时长  每个 API 响应前等待该时长；0 表示停止等待
  /fault drop N     直接关闭接下来 N 个 API 连接，不返回响应
  /fault off        清除所有故障
  /quit             停止`,
	},
	msgUnknownCommand: {
		en: "unknown command %s; /help lists the commands",
		zh: "未知命令 %s；/help 列出可用命令",
	},
	msgUsageDM: {
		en: "/dm needs a text: /dm TEXT",
		zh: "/dm 需要文本：/dm 文本",
	},
	msgUsageJoin: {
		en: "/join needs a name: /join NAME",
		zh: "/join 需要名字：/join 名字",
	},
	msgUsageEvent: {
		en: "/event needs a file: /event FILE",
		zh: "/event 需要文件：/event 文件",
	},
	msgUsageFault: {
		en: "invalid /fault: use /fault 500 N, /fault 429 N, /fault slow DUR, /fault drop N or /fault off",
		zh: "/fault 用法无效：请用 /fault 500 N、/fault 429 N、/fault slow 时长、/fault drop N 或 /fault off",
	},
	msgStoreFailed: {
		en: "storing the message failed: %v",
		zh: "保存消息失败：%v",
	},
	msgReadEventFailed: {
		en: "cannot deliver %s: %v",
		zh: "无法投递 %s：%v",
	},
	msgJoined: {
		en: "%s (user %d) joined guild %d",
		zh: "%s（用户 %d）加入了 guild %d",
	},
	msgFault500: {
		en: "fault: the next %d API requests get 500",
		zh: "故障：接下来 %d 个 API 请求将返回 500",
	},
	msgFault429: {
		en: "fault: the next %d API requests get 429",
		zh: "故障：接下来 %d 个 API 请求将返回 429",
	},
	msgFaultSlow: {
		en: "fault: every API response waits %v",
		zh: "故障：每个 API 响应前等待 %v",
	},
	msgFaultDrop: {
		en: "fault: the next %d API connections close without a response",
		zh: "故障：接下来 %d 个 API 连接将直接关闭，不返回响应",
	},
	msgFaultOff: {
		en: "fault: off",
		zh: "故障：已清除",
	},

	msgBotMessage: {
		en: "[channel %d] %s: %s (message %d)",
		zh: "[channel %d] %s：%s（消息 %d）",
	},
	msgBotDM: {
		en: "[DM channel %d] %s: %s (message %d)",
		zh: "[私信 channel %d] %s：%s（消息 %d）",
	},
	msgBotEdited: {
		en: "[channel %d] %s edited message %d: %s",
		zh: "[channel %d] %s 编辑了消息 %d：%s",
	},
	msgBotDeleted: {
		en: "[channel %s] %s deleted message %s",
		zh: "[channel %s] %s 删除了消息 %s",
	},
	msgAPICall: {
		en: "api %s %s: %d",
		zh: "api %s %s：%d",
	},
	msgAPIError: {
		en: "api %s %s: %d %s: %s",
		zh: "api %s %s：%d %s：%s",
	},
	msgAPIDropped: {
		en: "api %s %s: connection closed without a response (injected fault)",
		zh: "api %s %s：连接已关闭，未返回响应（注入的故障）",
	},
	msgInjected: {
		en: " (injected fault)",
		zh: "（注入的故障）",
	},

	msgEchoLabel: {
		en: "%s (echo)",
		zh: "%s（回显）",
	},
	msgDelivered: {
		en: "-> %s delivered on attempt %d: 200 in %v",
		zh: "-> %s 在第 %d 次尝试时投递成功：200，用时 %v",
	},
	msgAttemptFailed: {
		en: "-> %s attempt %d failed: %v; retrying in %v",
		zh: "-> %s 第 %d 次尝试失败：%v；%v 后重试",
	},
	msgAttemptFailedLast: {
		en: "-> %s attempt %d failed: %v",
		zh: "-> %s 第 %d 次尝试失败：%v",
	},
	msgNotDelivered: {
		en: "-> %s not delivered after %d attempts; check that the host runs at --webhook",
		zh: "-> %s 在 %d 次尝试后仍未投递成功；请确认 host 正运行在 --webhook 指定的地址",
	},
	msgReasonStatus: {
		en: "webhook responded %d, want 200",
		zh: "webhook 返回 %d，应为 200",
	},
	msgReasonTimeout: {
		en: "no response within %v",
		zh: "%v 内没有响应",
	},
	msgDeliveryFailed: {
		en: "delivering %s failed: %v",
		zh: "投递 %s 失败：%v",
	},
}
