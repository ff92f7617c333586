"""The mirror: a local, searchable read model of Mplus orders, relations and articles.

Kept current by sync markers (``bot.mirror.sync``), searched by the database's own full-text
machinery (``bot.mirror.queries``). It is for *finding and listing*: a card that offers actions
shows the order as Mplus has it now, and every write keeps its stale-check against Mplus.

Stable API for other parts of the bot (lists, type-aheads, the order form) — keep these names:

``bot.mirror.queries``
    search_relations(db, text, limit=20) -> list[MirrorRelation]
    search_articles(db, text, limit=20) -> list[MirrorArticle]
    search_orders(db, text, limit=20) -> list[MirrorOrder]          # open first, then newest
    list_orders(db, filters: OrderFilters, cursor: OrderCursor | None = None, limit=20) -> OrderPage
    orders_by_key(db, *, order_id=None, ext_order_id=None, year=None, number=None) -> list[MirrorOrder]
    get_relation(db, relation_number) -> MirrorRelation | None
    get_article(db, article_number) -> MirrorArticle | None
    relations_by_phone(db, phone_digits) -> list[MirrorRelation]   # exact national digits
    status(db) -> list[StreamStatus];  counts(db) -> dict[str, int]

``bot.mirror.models``
    MirrorOrder, MirrorRelation, MirrorArticle, OrderFilters, OrderCursor, OrderPage, StreamStatus

``bot.mirror.normalise``
    fold(text), words(text), phone_digits(text), query_tokens(text)

``db`` is ``bot.store.db.Database``. Free text matches every word as a prefix, case- and
accent-insensitively; phone numbers compare by national digits (+31 / 0031 / 0 equal); Dutch
postcodes match with or without the space.
"""
