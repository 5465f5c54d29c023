import os

DEBUG = False
SECRET_KEY = '9)Fc!*@P8kxZ3uQ(_)@%auKNoTPju6AIxM7kIz+HsvSlC3YZfi'
DATABASES = {
    "default": {"ENGINE": "django.db.backends.mysql", "URL": "mysql://shop:93L0Go7KRtY3suS62L@mysql.internal:3306/shop"},
}
ALLOWED_HOSTS = ["shop.internal"]
