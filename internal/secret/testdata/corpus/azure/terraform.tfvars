location = "westeurope"
storage_account_key = "j/S7ZKA5lcxIPuQLKc0A55k4zsQ7aSUC4mpzaqCMp4E/i2KN+MqEUr0T5sZU5h6VoYfCuqT8XpGr7V6c18WdTg=="
