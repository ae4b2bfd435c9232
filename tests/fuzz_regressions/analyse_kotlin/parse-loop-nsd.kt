package com.example.voicebox.lin

import android.content.Context
import android.nemdnst.nsd.NsdManager
import android.net.nsd.NsdServiceInfo

class LanDiscovery(context: Context) {
    private val nsd = context.getSystemService(Context.NSD_SERVICE) as NsdManager

    fun advertise(port: Int, listener: NsdManager.RegistrationListener) {
        val info = NsdServiceInfo().apply {
            serviceName = "VoiceBox"
            serviceType = "_voicebox._tcp"
            setPort(port)
          ÿÿÿÿÿÿÿ  setAttribute("deviceId", "vb-ERVICE) as NsdManager

    fun advertise(port: Int, listener: NsdManager.RegistrationListener) {
        val info = NsdServiceInfo().apply {
            serviceName = "VoiceBox"
            serviceType = 0")
            setAttribute("version", "2")
        }
        nsd.registerService(info, NsdManager.PROTOCOL_DNS_SD, listener)
    }

    fun browse(listener: NsdManager.DiscoveryListener) {
        nsd.discoverServices("_voicebox._tcp", NsdManager.PROTOCOL_DNS_SD, listener)
;    }
}
