from django.urls import path

from techtransfer.market import views

app_name = "market"

urlpatterns = [
    path("market/", views.market_list, name="list"),
    path("market/mine/", views.mine, name="mine"),
    path("market/review/", views.review_queue, name="review_queue"),
    path("market/watchlist/", views.watchlist, name="watchlist"),
    path("market/valuation/", views.valuation, name="valuation"),
    path("market/listings/new/", views.listing_create, name="create"),
    path("market/listings/<int:pk>/", views.listing_detail, name="detail"),
    path("market/listings/<int:pk>/edit/", views.listing_edit, name="edit"),
    path("market/listings/<int:pk>/attachments/", views.listing_attach, name="attach"),
    path("market/listings/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("market/listings/<int:pk>/do/<str:action>/", views.listing_action, name="action"),
    path("market/listings/<int:pk>/watch/", views.listing_watch, name="watch"),
    path("market/listings/<int:pk>/interest/", views.listing_interest, name="interest"),
    path("market/listings/<int:pk>/deals/new/", views.deal_open, name="deal_open"),
    path("market/listings/<int:pk>/auctions/new/", views.auction_create, name="auction_create"),
    path("market/deals/<int:pk>/", views.deal_detail, name="deal"),
    path("market/deals/<int:pk>/do/<str:action>/", views.deal_action, name="deal_action"),
    path("market/deals/<int:pk>/broker/<str:what>/", views.deal_broker, name="deal_broker"),
    path("market/deals/brokered/", views.brokered_deals, name="brokered_deals"),
    path("market/auctions/<int:pk>/", views.auction_detail, name="auction"),
    path("market/auctions/<int:pk>/bid/", views.auction_bid, name="bid"),
    path("market/auctions/<int:pk>/deposit/", views.auction_deposit, name="deposit"),
    path("market/auctions/<int:pk>/close/", views.auction_close, name="auction_close"),
]
