"""Complaint cues, topics and feelings for Chinese (simplified and traditional) and Japanese.

VADER reads no Han or kana, so a complaint in Chinese or Japanese was "unknown" sentiment and
no complaint ("我买的…充电器坏了，客服也一直不回复"). These lists do for them what
``lexicon.indic`` does for Bengali, Telugu and Hindi: ``CJK_CUES`` has the same families
(negative, delay, refund, defect, service, fraud, repeat, positive) and is found by
``reading.indic_cues.find_cues`` ("zh", "ja"); ``CJK_JUDGMENT_CUES`` gives the judge topics
(delivery, billing, product_quality, support) and feelings (frustrated, angry, disappointed)
under the English names, read by ``judging.indic_judgments``.

Han and kana are written without spaces, so every cue is a substring, matched longest first.
Cues have two or more characters, and a cue that hides inside a common longer word is either
left out or pinned down by phrases: "问题" is also "a question" (so only "出问题", "质量问题"…),
"麻烦" is also "may I trouble you", "壊れ" is inside "壊れにくい" (sturdy). Where the longer
word must still win, it is listed under ``none`` ("不好意思" – "excuse me" – over "不好";
"没问题", "問題ない" – no problem); being longer, it takes the place of the cue it starts
with, and nothing reads the ``none`` family. A negated praise word is its own negative cue
("不满意" over "满意", "不推荐" over "推荐"), as a cue that starts earlier wins.

Chinese cues are written in simplified characters; traditional text is folded to simplified
for the characters these cues use (``TRADITIONAL``/``SIMPLIFIED``, applied with
``str.translate``) so "壞了" and "退錢" match "坏了" and "退钱". Japanese cues are written in
the usual modern kanji, with the kana spellings people type as well ("こわれ", "ありがとう").

What they do not do: weigh anything, see sarcasm ("谢谢你们让我等了这么久" has the delay
cue "等了这么久" and reads as a complaint only because of it), or handle negation beyond the phrases
listed. All lists were written for this project from general knowledge of the languages;
nothing is derived from a labelled dataset.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _cues(listing: str) -> tuple[str, ...]:
    # Comma-separated, so a family fits in a few lines.
    return tuple(cue.strip() for cue in listing.split(",") if cue.strip())


# Traditional characters (as written in Taiwan and Hong Kong) and their simplified forms, for
# every character of the Chinese cues that has a different traditional form.
TRADITIONAL = (
    "壞還沒錢覆復騙詐貨務極謝問題電滿們給發訂單買賣換應態變處質響話費帳賬個這說爛氣憤惡為點過後來"
    "時間貴號聯繫係裡開關機斷損傷遲誤遞運頭煩悶遺無語賠償嗎麼產讓歡薦贊讚優幫隨難實際譜專業興驚貼"
    "準確錯條購車員級蘋噁厭該盡歸託週幾遠達決責聽擔離僅對價請選擇讀據報齊劃閃熱顯亂雙兩圖網頁轉帶"
    "擾頓龜導勁嚴紀錄衝鬱厲體驗緊漲額萬動夠屢當戶樣殘潰靈愛現盜線騰藍虛評訴負進門"
)
SIMPLIFIED = (
    "坏还没钱复复骗诈货务极谢问题电满们给发订单买卖换应态变处质响话费账账个这说烂气愤恶为点过后来"
    "时间贵号联系系里开关机断损伤迟误递运头烦闷遗无语赔偿吗么产让欢荐赞赞优帮随难实际谱专业兴惊贴"
    "准确错条购车员级苹恶厌该尽归托周几远达决责听担离仅对价请选择读据报齐划闪热显乱双两图网页转带"
    "扰顿龟导劲严纪录冲郁厉体验紧涨额万动够屡当户样残溃灵爱现盗线腾蓝虚评诉负进门"
)

_ZH: dict[str, tuple[str, ...]] = {
    # "问题" alone is also "a question", "麻烦" also "may I trouble you", "坑" alone is a pit.
    "negative": _cues(
        "失望, 太差, 很差, 真差, 好差, 超差, 极差, 最差, 差劲, 垃圾, 糟糕, 太烂, 很烂, 真烂, 烂透, "
        "破烂, 生气, 气死, 愤怒, 气愤, 恶心, 无语, 郁闷, 后悔, 不满, 投诉, 不好, 不行, 坑人, 坑爹, "
        "太坑, 坑钱, 不推荐, 别买, 千万不要买, 不要买, 上当, 崩溃, 心累, 离谱, 太过分, 过分了, "
        "难用, 难吃, 不值, 不靠谱, 不专业, 不喜欢, 不开心, 不高兴, 不太满意, 不是很好, 不怎么样, "
        "不及时, 遗憾, 受够了, 烦死, 很烦, 真烦, 好烦, 烦人, 出问题, 出了问题, 质量问题, "
        "问题没解决, 问题还没解决, 太贵, 白买, 不太喜欢, 不太好, 不太行, 不太推荐, 不够好"
    ),
    "delay": _cues(
        "还没到, 还没收到, 还没有收到, 没收到, 没有收到, 未收到, 收不到, 还没发货, 没发货, 不发货, "
        "未发货, 迟迟, 延迟, 延误, 太慢, 很慢, 好慢, 超慢, 慢死, 一直等, 还在等, 等到现在, "
        "等了好久, 等了很久, 等了这么久, 等了半天, 等太久, 什么时候到, 什么时候发货, 什么时候能到, "
        "什么时候退, 几天了还, 一个星期了还, 一周了还, 一个月了还, 要多久, 多久能到, 到现在还, "
        "还没送到, 没送到, 没到货, 物流不动, 没有物流"
    ),
    "refund": _cues(
        "退款, 退钱, 退货, 退换, 换货, 退费, 赔偿, 取消订单, 取消了, 扣款, 扣钱, 扣费, 多扣, "
        "重复扣, 乱扣, 乱收费, 还钱, 返还, 退回, 双重收费, 收了两次, 扣了两次"
    ),
    # "坏" alone is also in "坏人"; "漏" in "漏掉" (left out), so phrases.
    "defect": _cues(
        "坏了, 坏掉, 坏的, 损坏, 破损, 故障, 不能用, 用不了, 没法用, 无法使用, 不能使用, "
        "无法开机, 开不了机, 打不开, 充不进电, 充不了电, 不充电, 不能充电, 不工作, 不好用, 质量差, "
        "质量太差, 质量很差, 碎了, 裂了, 裂开, 漏水, 漏电, 死机, 闪退, 卡顿, 黑屏, 蓝屏, 缺件, "
        "少发, 漏发, 发错, 错发, 次品, 残次, 瑕疵, 划痕, 过期, 变质, 不亮, 没反应, 失灵, 有毛病, "
        "用了几天就"
    ),
    "service": _cues(
        "不回复, 没回复, 没有回复, 不回消息, 不回信息, 没人回, 没人理, 不理人, 没人管, 没人处理, "
        "不处理, 不给处理, 打不通, 联系不上, 找不到人, 态度差, 态度很差, 态度恶劣, 态度不好, "
        "态度极差, 服务差, 服务太差, 服务很差, 客服太差, 客服很差, 客服差, 推卸, 踢皮球, 敷衍, "
        "不解决, 没解决, 没有解决, 不负责, 石沉大海, 投诉无门, 爱理不理, 不耐烦"
    ),
    "fraud": _cues(
        "骗子, 骗人, 骗钱, 被骗, 诈骗, 欺诈, 欺骗, 假货, 假冒, 山寨, 黑心, 盗刷, 被盗, 虚假, 坑骗, "
        "忽悠"
    ),
    # "又" alone starts "又便宜又好用" (both cheap and handy), so phrases.
    "repeat": _cues(
        "又坏, 又出问题, 又来了, 又一次, 又没, 又不, 再次, 多次, 一次又一次, 好几次, 第二次, "
        "第三次, 反复, 每次都, 三番五次, 屡次, 还是不行, 还是没"
    ),
    "positive": _cues(
        "很好, 非常好, 太好了, 真好, 挺好, 好用, 好吃, 好评, 不错, 满意, 谢谢, 感谢, 多谢, 点赞, "
        "很棒, 太棒, 真棒, 超棒, 喜欢, 推荐, 完美, 优秀, 给力, 靠谱, 五星, 惊喜, 贴心, 及时, "
        "发货快, 速度快, 物美价廉, 性价比高, 值得, 专业, 开心, 高兴, 棒棒"
    ),
    "none": _cues(
        "不好意思, 好不好, 没问题, 没有问题, 不失望, 没有失望, 没失望, 麻烦你, 麻烦您, 不好说, "
        "不生气, 别生气, 不后悔, 没有后悔, 不贵"
    ),
}

_JA: dict[str, tuple[str, ...]] = {
    # "悪い" is in "悪くない" (not bad), "問題" in "問題ない", "最低" in "最低でも" (at least):
    # those are under "none".
    "negative": _cues(
        "最悪, ひどい, 酷い, ヒドい, がっかり, ガッカリ, 残念, 失望, 不満, 腹が立, 腹立, 怒り, "
        "激怒, ムカつ, むかつ, イライラ, いらいら, 困って, 困りま, 困った, 不快, ありえな, "
        "あり得な, 信じられな, 二度と買わ, 二度と使わ, 買わなければよかった, 後悔, クレーム, 苦情, "
        "迷惑, ふざけ, 許せな, 悪い, 良くない, よくない, 不便, 使いにくい, 使いづらい, 期待外れ, "
        "期待はずれ, 最低, うんざり, ショック, 悲しい, 問題, 好きじゃな, 好きではな, 満足できな, "
        "安心できな, 気に入らな, 気に入ってな, 気に入っていな, 失礼な, 満足していな, おすすめしな, "
        "オススメしな, お勧めしな, おすすめできな, 高すぎ"
    ),
    # "待って" is also "楽しみに待って" (looking forward): only phrases of a long wait.
    "delay": _cues(
        "届かな, とどかな, 届いていな, 届いてな, まだ届, 未着, 遅延, 遅れ, 遅すぎ, 遅い, おそい, "
        "発送されな, 発送されていな, 発送されてな, 発送してくれな, まだ発送, まだ来, 荷物が来な, "
        "商品が来な, いつ届, いつになったら, ずっと待, 待たされ, 待ち続け, 何日も, 何週間, "
        "一週間経, 1週間経, まだですか, 音沙汰"
    ),
    "refund": _cues(
        "返金, 返品, 交換して, 交換してほし, 払い戻, 払戻, キャンセル, 解約, 二重請求, 二重に請求, "
        "請求され, 引き落とされ, お金を返"
    ),
    # "割れ" but not "割引" (discount); "落ちる" is also "dirt comes off", so left out.
    "defect": _cues(
        "壊れ, こわれ, 故障, 動かな, うごかな, 起動しな, 電源が入らな, 電源がつかな, 充電できな, "
        "充電されな, 使えな, 不良品, 初期不良, 欠陥, 破損, 割れ, 傷が, 傷あり, 不具合, エラー, "
        "フリーズ, クラッシュ, 違う商品, 間違った商品, 別の商品, 欠品, 足りな, 入っていな, "
        "入ってな, 期限切れ, 腐っ, 水漏れ, 漏れて, 映らな, 繋がらな, つながらな"
    ),
    "service": _cues(
        "返信がな, 返信が無, 返信がありませ, 返信が来な, 返信こな, 返信もな, 返事がな, 返事が来な, "
        "返事もな, 連絡がな, 連絡が来な, 連絡もな, 何の連絡, 電話がつながらな, 電話が繋がらな, "
        "対応が悪, 対応がひど, 対応が最悪, 対応が遅, 対応してくれな, 対応されな, 無視され, "
        "無視する, 態度が悪, 不親切, たらい回し, 放置され, 解決しな, 解決されな, 解決していな, "
        "問い合わせても, サポート最悪, 塩対応"
    ),
    "fraud": _cues(
        "詐欺, 騙さ, 騙し, だまされ, だまし, 偽物, ニセモノ, にせもの, 偽造, 不正請求, 不正利用, "
        "乗っ取, ぼったくり, パクリ"
    ),
    # "また" alone is also "また買います" (I'll buy again, praise).
    "repeat": _cues(
        "また壊れ, また故障, また届かな, また同じ, またか, 何度も, 何回も, 再び, 二度目, 三度目, "
        "毎回, 繰り返し, 相変わらず, 再発"
    ),
    "positive": _cues(
        "ありがとう, 有難う, 有り難う, 感謝, 最高, 素晴らしい, すばらしい, 素敵, すてき, 満足, "
        "気に入, 大好き, 好き, おすすめ, オススメ, お勧め, 助かりま, 助かった, 良かった, よかった, "
        "嬉しい, うれしい, 快適, 便利, 丁寧, 迅速, 早く届, すぐ届, 美味しい, おいしい, 完璧, 安心, "
        "感動, 神対応, さすが, 流石, 良い, いいね"
    ),
    "none": _cues(
        "問題ない, 問題なし, 問題なく, 問題無, 問題ありません, 問題もな, 悪くな, 最低でも, 最低限, "
        "壊れにく, 壊れな, がっかりしな, 残念ではな, 後悔しな, 後悔はな, 後悔してな, 不満はな, "
        "不満もな, 困ったら, 困った時, 困ったとき, 傷がつきにく, 傷が付きにく"
    ),
}

CJK_CUES: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {"zh": MappingProxyType(_ZH), "ja": MappingProxyType(_JA)}
)

# Topics and feelings under the English judgments' names; "none:negated" holds what is said
# not to be felt (nothing reads it).
_ZH_JUDGMENTS: dict[str, tuple[str, ...]] = {
    "topic:delivery": _cues(
        "快递, 物流, 发货, 配送, 送货, 包裹, 没收到, 还没到, 没到货, 送到, 运单, 派送"
    ),
    "topic:billing": _cues(
        "退款, 退钱, 扣款, 扣费, 扣钱, 收费, 账单, 付款, 支付, 发票, 退费, 多扣, 信用卡, 价格"
    ),
    "topic:product_quality": _cues(
        "坏了, 坏掉, 损坏, 破损, 故障, 质量, 不能用, 用不了, 次品, 瑕疵, 死机, 充不进电, 充不了电, "
        "不充电, 漏水, 裂了, 碎了, 假货"
    ),
    "topic:support": _cues(
        "客服, 售后, 人工服务, 客户服务, 热线, 服务态度, 不回复, 没回复, 没人回, 没人理, 打不通"
    ),
    # Harm to someone (``judging.danger``): a fire, smoke, a burn, a shock, an allergy, an
    # injury. "火" alone is "popular" (很火) and "炸" is frying, so only whole harm words.
    "safety:safety": _cues(
        "着火, 起火, 冒烟, 冒火花, 爆炸, 炸了, 烫伤, 烧伤, 烧焦, 触电, 漏电, 过敏反应, 过敏了, "
        "受伤, 窒息, 食物中毒, 中毒了, 进医院, 送医院, 住院"
    ),
    "feeling:frustrated": _cues(
        "无语, 受够了, 崩溃, 心累, 郁闷, 烦死, 很烦, 真烦, 好烦, 烦人, 折腾, 一直等"
    ),
    "feeling:angry": _cues("生气, 气死, 愤怒, 气愤, 火大, 太过分, 恶心, 骗子"),
    "feeling:disappointed": _cues("失望, 遗憾, 后悔, 白买, 不满意"),
    "none:negated": _cues("不失望, 没有失望, 没失望, 不生气, 别生气, 不后悔, 没有后悔"),
}

_JA_JUDGMENTS: dict[str, tuple[str, ...]] = {
    "topic:delivery": _cues(
        "配送, 発送, 配達, 届かな, 届いていな, 届いてな, まだ届, 荷物, 宅配, 未着, 到着"
    ),
    "topic:billing": _cues(
        "返金, 請求, 支払, 料金, 引き落と, 課金, 決済, 払い戻, 二重請求, クレジットカード"
    ),
    "topic:product_quality": _cues(
        "壊れ, こわれ, 故障, 不良品, 初期不良, 不具合, 品質, 欠陥, 破損, 動かな, 使えな, 割れ"
    ),
    "topic:support": _cues(
        "サポート, カスタマー, 問い合わせ, 問合せ, お客様センター, 窓口, コールセンター, 対応が, "
        "返信が, 返事が, 連絡が"
    ),
    # Harm to someone; "炎上" (a flame war) and "やばい" are no fire.
    "safety:safety": _cues(
        "発火, 火事, 火災, 煙が出, 煙がで, 爆発, やけど, 火傷, 感電, 漏電, アレルギー反応, "
        "アレルギーが出, けがを, けがし, 怪我, 負傷, 窒息, 食中毒, 救急車, 病院に運ばれ, 入院"
    ),
    "feeling:frustrated": _cues("イライラ, いらいら, うんざり, いい加減にして, 困って, 困りま"),
    "feeling:angry": _cues("腹が立, 腹立, ムカつ, むかつ, 怒り, 激怒, 許せな, ふざけ"),
    "feeling:disappointed": _cues("がっかり, ガッカリ, 残念, 失望, 期待外れ, 期待はずれ, 後悔"),
    "none:negated": _cues(
        "がっかりしな, 残念ではな, 後悔しな, 後悔はな, 後悔してな, 困ったら, 困った時, 困ったとき"
    ),
}

CJK_JUDGMENT_CUES: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {"zh": MappingProxyType(_ZH_JUDGMENTS), "ja": MappingProxyType(_JA_JUDGMENTS)}
)
