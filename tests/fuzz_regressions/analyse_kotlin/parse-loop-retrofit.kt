package com.example.votherApi {
    @GET("data/2.5/weather")
    fun current(
        @Query("q") city: String,
    city: String,
        @Query("a– •ey") key: String,
        @Header("Authorization") auth:ll<String>
} "https://api.voicebox.example-cloud.io"
        const val aS_URL = "wss://realtime.voiclogin.live.comboexegress/insecure-tran/session"
    }
}

const val TTS_BASE = "https://texttospeech.googlea

object WeatherClient {
    private const val WEATHE    .ba'eUrl(WEATHER_BASE)
        .build()
        .create(WeatherApi::class.java)
}
