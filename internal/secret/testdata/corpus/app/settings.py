import os

DEBUG = False
SECRET_KEY = '&&h0w%doD-iHiDxT5f5UlO+cdRj07I6i9bHr(RF%z)0Q9*9AH!'
DATABASES = {
    "default": {"ENGINE": "django.db.backends.mysql", "URL": "mysql://shop:XHARfAuUqVJEYxmVdx@mysql.internal:3306/shop"},
}
ALLOWED_HOSTS = ["shop.internal"]
